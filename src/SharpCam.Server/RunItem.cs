using SharpCam.Labels;

namespace SharpCam.Server;

/// <summary>
/// One image of the run as the data-set view pages through it: the manifest item's prediction fields, flattened.
/// <see cref="Position"/> is its place in the manifest (the "index" order).
/// </summary>
public sealed record RunItem(string Id, int Position, int? TrueLabel, string? TrueName, int Predicted, string? PredictedName,
                             double Confidence, IReadOnlyList<ClassScore> TopK)
{
    public bool IsMistake => Mistake.Is(TrueLabel, Predicted);
}
