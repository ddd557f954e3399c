using System.Runtime.InteropServices;

namespace SharpCam.Tests.Support;

/// <summary>
/// Runs the built `sharpcam` (SharpCam.Cli.dll beside the tests) in a child process and measures its peak resident
/// memory: ru_maxrss from wait4(2), the kernel's own high-water mark for that one child (its native libtorch memory
/// included). The child is started with posix_spawn and reaped with wait4 directly, so no other test's process is
/// counted. A child whose resident memory passes <c>killAbove</c> is killed (a failing test must not take the
/// machine's memory) and reported with the peak it reached.
/// </summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, long PeakBytes, bool Killed)
    {
        public double PeakMiB => PeakBytes / 1048576.0;
        public override string ToString() =>
            $"exit {ExitCode}{(Killed ? " (killed: memory or time limit)" : "")}, peak {PeakMiB:F0} MiB\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    /// <summary>The CLI under test: the one built beside the tests, or SHARPCAM_TEST_CLI (to measure another build, e.g. main's).</summary>
    public static string CliDll => Environment.GetEnvironmentVariable("SHARPCAM_TEST_CLI") is { Length: > 0 } other
        ? other
        : Path.Combine(AppContext.BaseDirectory, "SharpCam.Cli.dll");

    /// <summary>Where a child is killed: 2 GiB, or SHARPCAM_TEST_KILL_ABOVE_MIB (to measure how far a hostile file really goes).</summary>
    private static long DefaultKillAbove =>
        long.TryParse(Environment.GetEnvironmentVariable("SHARPCAM_TEST_KILL_ABOVE_MIB"), out var mib) ? mib << 20 : 2L << 30;

    public static Result Run(string[] args, long? killAbove = null, int timeoutSeconds = 300, IReadOnlyDictionary<string, string>? environment = null)
    {
        long limit = killAbove ?? DefaultKillAbove;
        using var temp = new TempFolder();
        var (stdout, stderr) = (temp.File("stdout.txt"), temp.File("stderr.txt"));
        // sh redirects the output, then exec's dotnet in its place: the pid we wait for is the CLI itself.
        string[] argv = ["/bin/sh", "-c", "out=$1; err=$2; shift 2; exec \"$@\" >\"$out\" 2>\"$err\"", "sh", stdout, stderr,
                         DotnetHost, CliDll, .. args];
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) env[key] = value;
        var (pid, peak, code, killed) = (Spawn(argv, env.Select(kv => $"{kv.Key}={kv.Value}").ToArray()), 0L, -1, false);
        var usage = Marshal.AllocHGlobal(RusageSize);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
            while (true)
            {
                int done = wait4(pid, out int status, WNOHANG, usage);
                if (done == pid)
                {
                    peak = Marshal.ReadInt64(usage, MaxRssOffset) * 1024;
                    code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
                    break;
                }
                if (done < 0 && Marshal.GetLastPInvokeError() != EINTR) throw new InvalidOperationException($"wait4 failed: errno {Marshal.GetLastPInvokeError()}");
                if (!killed && (ResidentBytes(pid) > limit || DateTime.UtcNow > deadline))
                {
                    kill(pid, SIGKILL);
                    killed = true;
                }
                Thread.Sleep(20);
            }
        }
        finally
        {
            Marshal.FreeHGlobal(usage);
        }
        return new Result(code, File.ReadAllText(stdout), File.ReadAllText(stderr), peak, killed);
    }

    /// <summary>The dotnet host running the tests (`dotnet test` runs testhost.dll under it), else the one on the standard path.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "/usr/bin/dotnet";

    /// <summary>VmRSS of a running process, 0 once it is gone.</summary>
    private static long ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static int Spawn(string[] argv, string[] envp)
    {
        var strings = new List<IntPtr>();
        IntPtr[] Block(string[] items)
        {
            var block = items.Select(Marshal.StringToCoTaskMemUTF8).ToList();
            strings.AddRange(block);
            return [.. block, IntPtr.Zero];
        }
        try
        {
            int error = posix_spawn(out int pid, argv[0], IntPtr.Zero, IntPtr.Zero, Block(argv), Block(envp));
            return error == 0 ? pid : throw new InvalidOperationException($"posix_spawn {argv[0]} failed: errno {error}");
        }
        finally
        {
            strings.ForEach(Marshal.FreeCoTaskMem);
        }
    }

    // struct rusage on Linux x86-64 / arm64: two struct timeval (16 bytes each), then ru_maxrss (long, KiB), … 144 bytes.
    private const int RusageSize = 144, MaxRssOffset = 32, WNOHANG = 1, SIGKILL = 9, EINTR = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_spawn(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr fileActions,
                                          IntPtr attributes, IntPtr[] argv, IntPtr[] envp);

    [DllImport("libc", SetLastError = true)]
    private static extern int wait4(int pid, out int status, int options, IntPtr usage);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
