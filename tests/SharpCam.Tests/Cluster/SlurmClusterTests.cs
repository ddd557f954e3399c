using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SharpCam.Explanation;
using SharpCam.Tests.Support;
using Xunit.Abstractions;

namespace SharpCam.Tests.Cluster;

/// <summary>A fact that needs Slurm's daemons and clients (Debian's slurm-wlm, which .ci/run installs) and ../shared.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (!new[] { "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch" }.All(File.Exists))
            Skip = "Slurm (Debian's slurm-wlm) is not installed";
        else if (SharedData.Root is null) Skip = "../shared (the random-init ResNet-18 weights) is not present beside the repository";
    }
}

/// <summary>
/// The examples/slurm scripts on a real one-node Slurm cluster (tests/cluster/local-slurm.sh): a 4-task job array
/// explains a small ImageFolder of real photos with ResNet-18, a merge job that waits for it (afterok) joins the shards,
/// and the merged run equals one unsharded run of the same photos: items, maps bit for bit, evaluation.
/// </summary>
public class SlurmClusterTests(ITestOutputHelper log) : IDisposable
{
    private const int Shards = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private readonly TempFolder _temp = new();

    private static string Script(string relative) => Path.Combine(RepoPaths.Root, relative);

    /// <summary>Eight photos in class folders: the four samples, each once under its own class and once under another.</summary>
    private string Photos()
    {
        var root = Path.Combine(_temp.Path, "photos");
        foreach (var file in new[]
                 {
                     "tabby/chelsea.png", "espresso/coffee.png", "space_shuttle/rocket.jpg", "tabby/astronaut.png",
                     "espresso/chelsea.png", "tabby/coffee.png", "espresso/rocket.jpg", "space_shuttle/astronaut.png",
                 })
        {
            Directory.CreateDirectory(Path.Combine(root, Path.GetDirectoryName(file)!));
            File.Copy(Path.Combine(RepoPaths.Root, "samples", Path.GetFileName(file)), Path.Combine(root, file));
        }
        return root;
    }

    private static string[] Options(string photos) =>
    [
        "--model", "resnet18", "--weights", SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"), "--images", photos,
        "--batch-size", "1", "--figures", "failures",
    ];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (int Code, string Output) Shell(string file, IReadOnlyList<string> args, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(file);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, output.Result + errors.Result);
    }

    private static JsonObject Comparable(string dir)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, RunManifest.FileName)))!.AsObject();
        foreach (var key in new[] { "created", "figures", "sanity" }) json.Remove(key);
        return json;
    }

    [SlurmFact]
    public void FourShardsOnSlurmMergedEqualOneUnshardedRun()
    {
        var photos = Photos();
        var cli = Path.Combine(AppContext.BaseDirectory, "SharpCam.Cli.dll");
        var whole = Path.Combine(_temp.Path, "whole");
        var clock = Stopwatch.StartNew();
        var (code, output) = CliProcess.Run(Timeout, ["explain", .. Options(photos), "--out", whole]);
        Assert.True(code == 0, output);
        var single = clock.Elapsed;

        var cluster = Path.Combine(_temp.Path, "slurm");
        var environment = new Dictionary<string, string> { ["SHARPCAM_SLURM_PORT"] = FreePort().ToString() };
        (code, output) = Shell(Script("tests/cluster/local-slurm.sh"), ["start", cluster], environment);
        Assert.True(code == 0, output);
        try
        {
            environment["SLURM_CONF"] = output.Trim().Split('\n')[^1];
            var run = Path.Combine(_temp.Path, "run");
            environment["RUN"] = run;
            environment["SHARPCAM"] = $"dotnet {cli}";
            environment["NO_COLOR"] = "1";
            clock.Restart();
            (code, output) = Shell(Script("examples/slurm/submit.sh"), [Shards.ToString(), .. Options(photos)], environment);
            Assert.True(code == 0, output);
            var merged = Path.Combine(run, "merged");
            // Slurm says a job ended, not whether SharpCam succeeded: the merged manifest (written last, atomically) is the signal.
            while (!File.Exists(Path.Combine(merged, RunManifest.FileName)) && clock.Elapsed < Timeout && QueueHasJobs(environment))
                Thread.Sleep(200);
            var sharded = clock.Elapsed;
            var logs = string.Join("\n", Directory.GetFiles(Path.Combine(run, "logs")).Order().Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
            Assert.True(File.Exists(Path.Combine(merged, RunManifest.FileName)), $"no merged run after {sharded}:\n{logs}");
            log.WriteLine($"unsharded run {single.TotalSeconds:F1} s; {Shards} Slurm shards + merge {sharded.TotalSeconds:F1} s (one node, 2 cores)");

            Assert.Equal(Enumerable.Range(0, Shards).Select(k => $"shard-{k}.out"), Directory.GetFiles(Path.Combine(run, "logs"), "shard-*.out").Select(Path.GetFileName).Order());
            Assert.Equal(Comparable(whole).ToJsonString(), Comparable(merged).ToJsonString());
            var manifest = RunManifest.Load(merged);
            Assert.Equal(8, manifest.Items.Count);
            foreach (var item in manifest.Items)
                Assert.True(File.ReadAllBytes(Path.Combine(whole, item.Map!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, item.Map!))),
                    $"{item.Map} differs from the unsharded run's");
        }
        finally
        {
            Shell(Script("tests/cluster/local-slurm.sh"), ["stop", cluster], environment);
        }
    }

    private static bool QueueHasJobs(IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("squeue", ["-h", "-o", "%i"]) { RedirectStandardOutput = true };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim().Length > 0;
    }

    public void Dispose() => _temp.Dispose();
}
