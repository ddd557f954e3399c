namespace SharpCam.Server;

/// <summary>One class with its probability, as the page lists the top k.</summary>
public sealed record ClassScore(int Class, string Name, double Probability);

/// <summary>
/// One image of the run as the data-set view pages through it: the manifest item's prediction fields, flattened.
/// <see cref="Position"/> is its place in the manifest (the "index" order).
/// </summary>
public sealed record RunItem(string Id, int Position, int? TrueLabel, string? TrueName, int Predicted, string? PredictedName,
                             double Confidence, IReadOnlyList<ClassScore> TopK)
{
    public bool IsMistake => TrueLabel is { } t && t != Predicted;
}
