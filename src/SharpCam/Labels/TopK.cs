using static TorchSharp.torch;

namespace SharpCam.Labels;

/// <summary>One class with its softmax probability.</summary>
public sealed record ClassScore(int Class, string Name, double Probability);

/// <summary>The most probable classes of each image.</summary>
public static class TopK
{
    /// <summary>
    /// For each row of <paramref name="logits"/> [N, K]: the <paramref name="k"/> classes of highest softmax
    /// probability (computed in float64), most probable first.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<ClassScore>> Of(Tensor logits, ClassNames names, int k = 5)
    {
        if (logits.dim() != 2) throw new ArgumentException($"Expected logits [N, K]; got shape [{string.Join(", ", logits.shape)}].");
        if (logits.shape[1] != names.Count)
            throw new ArgumentException($"The model gives {logits.shape[1]} classes but {names.Count} class names are known.");
        using var scope = NewDisposeScope();
        var (values, indexes) = logits.detach().cpu().to(ScalarType.Float64).softmax(1).topk(Math.Min(k, names.Count), dim: 1);
        var probabilities = values.data<double>().ToArray();
        var classes = indexes.data<long>().ToArray();
        int width = (int)values.shape[1];
        return Enumerable.Range(0, (int)logits.shape[0])
            .Select(row => (IReadOnlyList<ClassScore>)Enumerable.Range(row * width, width)
                .Select(i => new ClassScore((int)classes[i], names[(int)classes[i]], probabilities[i])).ToList())
            .ToList();
    }
}
