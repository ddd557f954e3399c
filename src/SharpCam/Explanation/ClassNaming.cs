namespace SharpCam.Explanation;

/// <summary>Class indices as people read them: names when known, and the top-k of a probability vector.</summary>
public sealed class ClassNaming(IReadOnlyList<string> names)
{
    public IReadOnlyList<string> Names => names;

    public string Name(int index) => index >= 0 && index < names.Count ? names[index] : index.ToString();

    public IReadOnlyList<TopKEntry> TopK(IReadOnlyList<double> probabilities, int k) =>
        probabilities.Select((p, c) => (p, c)).OrderByDescending(x => x.p).Take(k)
            .Select(x => new TopKEntry { ClassIndex = x.c, Name = Name(x.c), Probability = x.p }).ToList();

    /// <summary>Full probability vectors go into manifests only for small heads (MNIST); ImageNet keeps its top-k.</summary>
    public static IReadOnlyList<double>? ForManifest(double[] probabilities) => probabilities.Length <= 20 ? probabilities : null;
}
