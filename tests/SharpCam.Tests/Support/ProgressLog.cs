namespace SharpCam.Tests.Support;

/// <summary>
/// Keeps every progress report in order, on the calling thread (System.Progress would post to the thread pool).
/// <paramref name="onReport"/>, if given, sees each report as it arrives (e.g. to cancel at a given step).
/// </summary>
public sealed class ProgressLog(Action<ProgressUpdate>? onReport = null) : IProgress<ProgressUpdate>
{
    public List<ProgressUpdate> Reports { get; } = [];

    public void Report(ProgressUpdate value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}
