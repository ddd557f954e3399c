namespace SharpCam;

/// <summary>
/// One step of a long operation, reported by the library through <see cref="IProgress{T}"/> so the CLI can draw
/// progress bars (and tests can ignore them). <paramref name="Task"/> names the bar; <paramref name="Done"/> of
/// <paramref name="Total"/> units are finished; <paramref name="Status"/> is an optional short line (e.g. "loss 0.12").
/// </summary>
public sealed record ProgressUpdate(string Task, long Done, long Total, string? Status = null);
