using static TorchSharp.torch;

namespace SharpCam.Onnx;

/// <summary>One node being rebuilt: its attributes with ONNX's defaults, and which of its inputs are load-time constants.</summary>
internal sealed class OnnxNodeContext(OnnxNodeProto node, long opset, string label, Func<string, Tensor?> constant)
{
    public OnnxNodeProto Node { get; } = node;

    /// <summary>The model's default-domain opset: attributes became inputs in some versions (Squeeze at 13, …).</summary>
    public long Opset { get; } = opset;

    /// <summary>How errors name the node: "Conv node 'conv1'".</summary>
    public string Label { get; } = label;

    public bool HasAttribute(string name) => Node.Attributes.ContainsKey(name);

    public long Int(string name, long fallback) => Node.Attributes.TryGetValue(name, out var a) && a.I is { } i ? i : fallback;

    public float Float(string name, float fallback) => Node.Attributes.TryGetValue(name, out var a) && a.F is { } f ? f : fallback;

    public string String(string name, string fallback) => Node.Attributes.TryGetValue(name, out var a) && a.S is { } s ? s : fallback;

    public long[]? Ints(string name) => Node.Attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

    public OnnxAttribute? Attribute(string name) => Node.Attributes.GetValueOrDefault(name);

    /// <summary>Whether optional input <paramref name="index"/> is given (ONNX omits trailing ones and names skipped ones "").</summary>
    public bool HasInput(int index) => index < Node.Inputs.Count && Node.Inputs[index].Length > 0;

    /// <summary>Input <paramref name="index"/> if it is known at load time (an initializer or a folded subgraph), else null.</summary>
    public Tensor? Constant(int index) => HasInput(index) ? constant(Node.Inputs[index]) : null;

    /// <summary>An input that must be known at load time (weights, axes, …), as a tensor.</summary>
    public Tensor RequireConstant(int index, string what) => Constant(index) ?? throw new OnnxFormatException(
        $"{Label}: its {what} (input '{(HasInput(index) ? Node.Inputs[index] : "")}') must be a constant; SharpCam rebuilds " +
        "graphs whose weights and axes are fixed at load time.");

    /// <summary>An integer input that must be constant (axes, split sizes, pads), as values; null when the input is omitted.</summary>
    public long[]? ConstantInts(int index, string what) =>
        HasInput(index) ? RequireConstant(index, what).to(ScalarType.Int64).data<long>().ToArray() : null;

    public OnnxFormatException Unsupported(string what) => new($"{Label}: {what} is not supported.");
}
