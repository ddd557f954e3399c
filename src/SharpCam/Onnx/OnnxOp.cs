using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Onnx;

/// <summary>
/// A rebuilt node: either a torch layer applied to one input (Conv2d, BatchNorm2d, ReLU, pooling: the modules the CAM
/// methods look for by type), after an optional <see cref="Prepare"/> step such as asymmetric padding; or a function of
/// all the node's inputs (null for omitted optional ones) giving its outputs.
/// </summary>
internal sealed record OnnxOp
{
    public Module<Tensor, Tensor>? Layer { get; init; }
    public Func<Tensor, Tensor>? Prepare { get; init; }
    public Func<Tensor?[], Tensor[]>? Function { get; init; }

    public static OnnxOp Of(Module<Tensor, Tensor> layer, Func<Tensor, Tensor>? prepare = null) => new() { Layer = layer, Prepare = prepare };

    public static OnnxOp Of(Func<Tensor?[], Tensor> function) => new() { Function = args => [function(args)] };

    public static OnnxOp Many(Func<Tensor?[], Tensor[]> function) => new() { Function = function };

    /// <summary>Runs the node on its inputs (layer nodes use the first).</summary>
    public Tensor[] Run(Tensor?[] args) =>
        Layer is not null ? [Layer.forward(Prepare is null ? args[0]! : Prepare(args[0]!))] : Function!(args);
}

/// <summary>
/// A node computed by a function of several inputs, as a module so it can be listed and hooked as a target layer:
/// the graph hands it the data input through <c>call</c> (so forward hooks see and may replace it) and the others
/// through <see cref="Arguments"/> just before.
/// </summary>
public sealed class OnnxNode : Module<Tensor, Tensor>
{
    private readonly Func<Tensor?[], Tensor[]> _function;
    private readonly int _primary;

    internal OnnxNode(string name, string opType, Func<Tensor?[], Tensor[]> function, int primary) : base(name)
    {
        (OpType, _function, _primary) = (opType, function, primary);
    }

    /// <summary>The ONNX operator this node runs ("Add", "Gemm", …).</summary>
    public string OpType { get; }

    internal Tensor?[] Arguments { get; set; } = [];

    public override Tensor forward(Tensor input)
    {
        var args = (Tensor?[])Arguments.Clone();
        args[_primary] = input;
        return _function(args)[0];
    }
}

/// <summary>An ONNX pooling node (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool) as a module.</summary>
public sealed class OnnxPool : Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _pool;

    internal OnnxPool(string name, Func<Tensor, Tensor> pool) : base(name) => _pool = pool;

    public override Tensor forward(Tensor input) => _pool(input);
}
