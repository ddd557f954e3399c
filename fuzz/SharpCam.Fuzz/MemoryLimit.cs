namespace SharpCam.Fuzz;

/// <summary>
/// The memory limit (512 MiB) as a crash. afl's own -m sets RLIMIT_AS, which a .NET process cannot run under
/// (the runtime reserves far more address space than it uses), so the harness checks its peak resident set itself
/// after each input (run.sh also caps the managed heap at 1 GiB, against a runaway allocation).
/// </summary>
internal static class MemoryLimit
{
    public const long Bytes = 512L << 20;

    public static void Check()
    {
        long peak = PeakResidentBytes();
        if (peak > Bytes)
            Environment.FailFast($"peak resident memory {peak >> 20} MiB is over the fuzzing limit of {Bytes >> 20} MiB");
    }

    /// <summary>VmHWM of /proc/self/status: the process's peak resident set.</summary>
    private static long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }
}
