using static TorchSharp.torch;

namespace SharpCam.Onnx;

/// <summary>
/// Element-wise math and reductions: the unary functions transformer exports use (Erf or Gelu, Exp, Tanh, Sqrt, …),
/// Pow, Mod (fmod 0: the divisor's sign, as Python's %; fmod 1: the dividend's, as C's fmod), comparisons and logic
/// (bool results, as ONNX's), and the Reduce* family with axes as an attribute or, from their opset, an input.
/// </summary>
internal static partial class OnnxOps
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> UnaryMath = new()
    {
        ["Erf"] = x => x.erf(),
        ["Exp"] = x => x.exp(),
        ["Log"] = x => x.log(),
        ["Tanh"] = x => x.tanh(),
        ["Sqrt"] = x => x.sqrt(),
        ["Reciprocal"] = x => x.reciprocal(),
        ["Neg"] = x => x.neg(),
        ["Abs"] = x => x.abs(),
        ["Not"] = x => x.to(ScalarType.Bool).logical_not(),
    };

    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> Comparisons = new()
    {
        ["Equal"] = (a, b) => a.eq(b),
        ["Greater"] = (a, b) => a.gt(b),
        ["Less"] = (a, b) => a.lt(b),
        ["And"] = (a, b) => a.to(ScalarType.Bool).logical_and(b.to(ScalarType.Bool)),
        ["Or"] = (a, b) => a.to(ScalarType.Bool).logical_or(b.to(ScalarType.Bool)),
    };

    /// <summary>Gelu (opset 20; earlier exports spell it with Erf): exact, or the tanh approximation.</summary>
    private static OnnxOp Gelu(OnnxNodeContext c)
    {
        var approximate = c.String("approximate", "none");
        if (approximate is not ("none" or "tanh")) throw c.Unsupported($"Gelu approximate '{approximate}'");
        var tanh = approximate == "tanh";
        return Unary(x => tanh ? 0.5 * x * (1 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh())
                               : 0.5 * x * (1 + (x / Math.Sqrt(2)).erf()));
    }

    /// <summary>Pow keeps the base's type (ONNX: T for the result, T1 for the exponent).</summary>
    private static OnnxOp Pow() => OnnxOp.Of(a => a[0]!.pow(a[1]!.to(a[0]!.dtype)));

    private static OnnxOp Mod(OnnxNodeContext c)
    {
        var fmod = c.Int("fmod", 0) == 1;
        return OnnxOp.Of(a => fmod ? a[0]!.fmod(a[1]!) : a[0]!.remainder(a[1]!));
    }

    /// <summary>
    /// ReduceMean/Sum/Max/Min/L2: axes an attribute before <c>inputSince</c> (ReduceSum 13, the others 18), an input
    /// from it; no axes reduces every dimension unless noop_with_empty_axes.
    /// </summary>
    private static OnnxOp Reduce(OnnxNodeContext c, Func<Tensor, long[], bool, Tensor> reduce, long inputSince)
    {
        var axes = Axes(c, inputSince);
        var keep = c.Int("keepdims", 1) == 1;
        var noop = c.Int("noop_with_empty_axes", 0) == 1;
        return OnnxOp.Of(a =>
        {
            var x = a[0]!;
            if (axes is not { Length: > 0 })
                return noop ? x : reduce(x, Enumerable.Range(0, (int)x.dim()).Select(i => (long)i).ToArray(), keep);
            return reduce(x, axes.Select(d => d < 0 ? d + x.dim() : d).ToArray(), keep);
        });
    }

    private static OnnxOp Reduction(OnnxNodeContext c) => c.Node.OpType switch
    {
        "ReduceMean" => Reduce(c, (x, dims, keep) => x.mean(dims, keep), 18),
        "ReduceSum" => Reduce(c, (x, dims, keep) => x.sum(dims, keep), 13),
        "ReduceMax" => Reduce(c, (x, dims, keep) => x.amax(dims, keep), 18),
        "ReduceMin" => Reduce(c, (x, dims, keep) => x.amin(dims, keep), 18),
        "ReduceL2" => Reduce(c, (x, dims, keep) => (x * x).sum(dims, keep).sqrt(), 18),
        _ => throw c.Unsupported(c.Node.OpType),
    };
}
