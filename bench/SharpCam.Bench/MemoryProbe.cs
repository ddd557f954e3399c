namespace SharpCam.Bench;

/// <summary>
/// The process's resident memory from /proc/self/status (Linux): current (VmRSS), peak (VmHWM) and anonymous
/// (RssAnon, the private bytes libtorch and the GC allocate). The peak can be reset between sections.
/// </summary>
internal static class MemoryProbe
{
    public static long ResidentBytes => Read("VmRSS");
    public static long PeakResidentBytes => Read("VmHWM");
    public static long PrivateBytes => Read("RssAnon");

    /// <summary>Resets VmHWM to the current resident size (writing 5 to clear_refs), so the next peak is the section's own.</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the peak then covers the whole run */ }
    }

    /// <summary>Full garbage collection, so managed garbage does not look like growth.</summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0]) * 1024;
        return -1;
    }
}
