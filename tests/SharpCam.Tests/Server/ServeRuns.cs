using SharpCam.Explanation;
using SharpCam.Server;
using SharpCam.Tests.Cli;

namespace SharpCam.Tests.Server;

/// <summary>
/// Real run folders for the server tests, made once by the real CLI from the tiny trained LeNet
/// (<see cref="TrainedTinyModel"/>): an explain run over the first 100 test digits and a failures run. Tests using
/// them join the CLI collection (the CLI writes to the process-wide console).
/// </summary>
public static class ServeRuns
{
    public const int ExplainedCount = 100;
    private static readonly Lock Making = new();
    private static string? _explain, _failures;

    public static string Explain(TrainedTinyModel trained)
    {
        lock (Making)
            return _explain ??= Make(trained, "serve-explain", "explain", "--indices", $"0-{ExplainedCount - 1}");
    }

    public static string Failures(TrainedTinyModel trained)
    {
        lock (Making)
            return _failures ??= Make(trained, "serve-failures", "failures");
    }

    /// <summary>A server on a free loopback port over <paramref name="runDir"/>.</summary>
    public static Task<ExplorerServer> StartAsync(string runDir, int queueLength = 4, long maxUploadBytes = 20L << 20) =>
        ExplorerServer.StartAsync(new ServeOptions { RunDir = runDir, Port = 0, QueueLength = queueLength, MaxUploadBytes = maxUploadBytes });

    private static string Make(TrainedTinyModel trained, string name, string command, params string[] extra)
    {
        var dir = trained.Data.NewOutputPath(name);
        var (code, output) = CliRunner.Run([command, "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder, "--out", dir, .. extra]);
        if (code != 0) throw new InvalidOperationException($"{command} for the server tests failed:\n{output}");
        return dir;
    }

    public static RunManifest Manifest(string runDir) => RunManifest.Load(runDir);
}
