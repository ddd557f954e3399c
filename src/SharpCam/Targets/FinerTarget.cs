using static TorchSharp.torch;

namespace SharpCam.Targets;

/// <summary>
/// Finer-CAM's target (Zhang et al., 2025; pytorch-grad-cam's FinerWeightedTarget): the main class's logit against the
/// <see cref="Comparisons"/> classes whose logits are closest to it, s = Σ_k p_k·(y_m − α·y_k) / (Σ_k p_k + 1e-9) with
/// p = softmax(y). Explaining s shows what separates the class from the ones the model nearly confuses it with.
/// The comparison classes are chosen from the logits without gradient; the softmax weights stay in the graph, as in
/// pytorch-grad-cam.
/// </summary>
public sealed record FinerTarget(int Class, int Comparisons = 3, float Alpha = 1) : ICamTarget
{
    public Tensor Score(Tensor output) => Score(output, ComparisonClasses(output));

    /// <summary>The <see cref="Comparisons"/> classes other than <see cref="Class"/> of closest logit, nearest first.</summary>
    public long[] ComparisonClasses(Tensor output)
    {
        if (Comparisons < 1 || Comparisons >= output.shape[0])
            throw new ArgumentException($"Finer-CAM compares with 1 to {output.shape[0] - 1} classes; got {Comparisons}.");
        using var scope = NewDisposeScope();
        var distance = (output.detach() - output[Class].detach()).abs().to(ScalarType.Float64).data<double>().ToArray();
        return Enumerable.Range(0, distance.Length).Where(k => k != Class).OrderBy(k => distance[k]).Take(Comparisons).Select(k => (long)k).ToArray();
    }

    private Tensor Score(Tensor output, long[] comparisons)
    {
        var others = tensor(comparisons, device: output.device);
        var p = output.softmax(0).index_select(0, others);
        return (p * (output[Class] - Alpha * output.index_select(0, others))).sum() / (p.sum() + 1e-9f);
    }

    public int? ClassIndex => Class;
    public string Describe() => $"class {Class} against its {Comparisons} nearest classes (Finer-CAM, α = {Alpha})";
}
