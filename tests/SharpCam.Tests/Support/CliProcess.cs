using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SharpCam.Tests.Support;

/// <summary>
/// The real `sharpcam` executable (the build output's SharpCam.Cli.dll under `dotnet`) as a child process, for what an
/// in-process run cannot show: signals, SIGKILL, exit codes, and (the static <see cref="Run(string[], long?, int, IReadOnlyDictionary{string, string}?)"/>)
/// peak resident memory, native libtorch memory included. The memory measure is GNU time's (<c>/usr/bin/time -f %M</c>):
/// ru_maxrss of a process forked from time, itself small. (The kernel's ru_maxrss of a process spawned directly from the
/// test host starts at the test host's own high-water mark, since exec records the memory it replaces, so it would measure
/// the tests, not the CLI.) Without GNU time the CLI's VmHWM is polled instead, which can miss the last 20 ms. A CLI whose
/// resident memory passes the kill limit is killed (a failing test must not take the machine's memory) and reported with
/// the peak it reached.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    public CliProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>Runs to the end (at most <paramref name="timeout"/>) and returns the exit code and everything printed.</summary>
    public static (int ExitCode, string Output) Run(TimeSpan timeout, params string[] args)
    {
        using var process = new CliProcess(args);
        return (process.WaitForExit(timeout), process.Output);
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sharpcam did not finish in {timeout}:\n{Output}");
        }
        _process.WaitForExit();   // drains the output
        return _process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polled every 5 ms); false if the process ended first.</summary>
    public bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited || clock.Elapsed > timeout) return condition();
            Thread.Sleep(5);
        }
        return true;
    }

    /// <summary>SIGKILL: the process ends at once, wherever it is.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    public const int SigTerm = 15;


    public sealed record Result(int ExitCode, string Stdout, string Stderr, long PeakBytes, bool Killed)
    {
        public double PeakMiB => PeakBytes / 1048576.0;

        /// <summary>stderr with whitespace collapsed: one message, however the console wrapped it.</summary>
        public string Message => string.Join(' ', Stderr.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
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

    private const string GnuTime = "/usr/bin/time";

    public static Result Run(string[] args, long? killAbove = null, int timeoutSeconds = 300, IReadOnlyDictionary<string, string>? environment = null)
    {
        long limit = killAbove ?? DefaultKillAbove;
        using var temp = new TempFolder();
        var (stdout, stderr, maxRss) = (temp.File("stdout.txt"), temp.File("stderr.txt"), temp.File("maxrss.txt"));
        // sh redirects the output, then exec's dotnet in its place: the CLI is time's child (or ours without GNU time).
        string[] command = ["/bin/sh", "-c", "out=$1; err=$2; shift 2; exec \"$@\" >\"$out\" 2>\"$err\"", "sh", stdout, stderr,
                            DotnetHost, CliDll, .. args];
        bool timed = File.Exists(GnuTime);
        string[] argv = timed ? [GnuTime, "-f", "%M", "-o", maxRss, .. command] : command;
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) env[key] = value;
        int pid = Spawn(argv, env.Select(kv => $"{kv.Key}={kv.Value}").ToArray());
        var (polled, code, killed) = (0L, -1, false);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            int done = wait4(pid, out int status, WNOHANG, IntPtr.Zero);
            if (done == pid)
            {
                code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
                break;
            }
            if (done < 0 && Marshal.GetLastPInvokeError() != EINTR) throw new InvalidOperationException($"wait4 failed: errno {Marshal.GetLastPInvokeError()}");
            int cli = timed ? ChildOf(pid) : pid;
            if (cli > 0)
            {
                var (rss, hwm) = Memory(cli);
                polled = Math.Max(polled, hwm);
                if (!killed && (rss > limit || DateTime.UtcNow > deadline))
                {
                    kill(cli, SIGKILL);
                    killed = true;
                }
            }
            Thread.Sleep(20);
        }
        // GNU time's last line is the peak in KiB (a line before it says how the command ended, when not with 0).
        long peak = timed && File.ReadAllLines(maxRss).LastOrDefault() is { } last && long.TryParse(last, out var kib) ? kib * 1024 : 0;
        return new Result(code, File.ReadAllText(stdout), File.ReadAllText(stderr), Math.Max(peak, polled), killed);
    }

    /// <summary>The first child of a process (time's one child, the CLI), or 0 before it exists.</summary>
    private static int ChildOf(int pid)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length > 0 ? int.Parse(children[0]) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>VmRSS and VmHWM of a running process, zeros once it is gone.</summary>
    private static (long Rss, long Hwm) Memory(int pid)
    {
        try
        {
            var lines = File.ReadAllLines($"/proc/{pid}/status");
            long Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024
                : 0;
            return (Field("VmRSS:"), Field("VmHWM:"));
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    /// <summary>The dotnet host running the tests (`dotnet test` runs testhost.dll under it), else the one on the standard path.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "/usr/bin/dotnet";

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

    private const int WNOHANG = 1, SIGKILL = 9, EINTR = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_spawn(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr fileActions,
                                          IntPtr attributes, IntPtr[] argv, IntPtr[] envp);

    [DllImport("libc", SetLastError = true)]
    private static extern int wait4(int pid, out int status, int options, IntPtr usage);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
