using SharpCam.Layers;
using System.Text.Json;
using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Labels;

namespace SharpCam.Runs;

/// <summary>How a run ended, and what it cost.</summary>
/// <param name="Manifest">The run's manifest; null when the run was interrupted.</param>
/// <param name="Folder">The finished folder, or (interrupted) the staging folder kept for <c>--resume</c>.</param>
/// <param name="Done">Items finished (explained or skipped), counting those of the runs it resumed.</param>
/// <param name="ModelSeconds">Time in the model and the CAM method (this process's part of the run).</param>
/// <param name="FigureSeconds">Time the figure stage spent drawing, and <paramref name="FiguresDrawn"/> the figures it drew.</param>
public sealed record RunResult(RunManifest? Manifest, string Folder, long Done, bool Resumed, bool ReplacedPreviousRun,
                               double ModelSeconds, double FigureSeconds, long FiguresDrawn)
{
    public bool Interrupted => Manifest is null;
}

/// <summary>
/// A run over a data set, behind explain, failures and the demo: the output folder staged and resumable, the run's
/// settings checked against an interrupted run's, then the staged pipeline (<see cref="RunPipeline"/>: read-ahead,
/// model, figures, journal) with the strategy of the run's kind (<see cref="ExplainStrategy"/>,
/// <see cref="FailuresStrategy"/>), and the manifest assembled from the journal (<see cref="RunManifestAssembly"/>).
/// Nothing per item is held once its batch is journaled. A cancelled token stops the run after the current batch with
/// everything finished kept; <see cref="Run"/> with <c>resume</c> continues it. An item that cannot be read is listed
/// in the manifest's skipped items with the reason, and the run goes on (<see cref="RunOptions.Strict"/>: it stops the run).
/// </summary>
public sealed class DataSetRun
{
    public const string MapsFolder = "maps", FiguresFolder = "figures";
    private const string SettingsFile = "run-settings.json";

    /// <summary>What a class-free model's items explain when the method needs no target (Eigen-CAM).</summary>
    public const string NoTarget = "no target (the model has no class scores)";

    private readonly CamMethod _method;
    private readonly ClassNames _names;
    private readonly RunOptions _options;
    private readonly IRunStrategy _strategy;
    private readonly string? _layer;

    public DataSetRun(CamMethod method, ClassNames names, RunOptions options)
    {
        (_method, _names, _options) = (method, names, options);
        // The layers the caller asked for (null for a method that uses none, e.g. FullGrad).
        _layer = method.TargetLayers.Count == 0 ? null : string.Join(LayerNames.Separator, method.TargetLayers);
        _strategy = options.Kind == RunKind.Failures
            ? new FailuresStrategy(method, names, options, _layer)
            : new ExplainStrategy(method, names, options, _layer);
    }

    /// <summary>
    /// Runs into <paramref name="outDir"/>, written as a whole (<see cref="StagedFolder.Resumable"/>): the manifest is
    /// saved and the folder put in place only when every item is done. With <paramref name="resume"/> an interrupted or
    /// killed run of the same settings into the same folder is continued; a finished folder is returned as it is.
    /// <paramref name="inputs"/>: files the run reads, which may not lie inside <paramref name="outDir"/>.
    /// Blocks until the run ends (the pipeline's stages run on other threads); <see cref="RunAsync"/> awaits instead.
    /// </summary>
    public RunResult Run(RunSource source, string outDir, ManifestModel model, bool resume = false, IReadOnlyList<string?>? inputs = null,
                         IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default) =>
        Task.Run(() => RunAsync(source, outDir, model, resume, inputs, progress, cancellation)).GetAwaiter().GetResult();

    /// <inheritdoc cref="Run"/>
    public async Task<RunResult> RunAsync(RunSource source, string outDir, ManifestModel model, bool resume = false,
                                          IReadOnlyList<string?>? inputs = null, IProgress<ProgressUpdate>? progress = null,
                                          CancellationToken cancellation = default)
    {
        _options.Validate();
        using var staged = StagedFolder.Resumable(outDir, resume, [.. inputs ?? []]);
        if (resume && !staged.Resumed && staged.ReplacesPreviousRun && File.Exists(Path.Combine(staged.Target, RunManifest.FileName)))
            return new RunResult(RunManifest.Load(staged.Target), staged.Target, 0, Resumed: true, ReplacedPreviousRun: false, 0, 0, 0);
        var header = RunManifestAssembly.Header(source, model, _method, _layer, _names, _options, _strategy);
        CheckSettings(staged.WorkPath, header);
        var (finished, done, timings) = await new RunPipeline(_strategy, _options).RunAsync(source, staged.WorkPath, progress, cancellation)
            .ConfigureAwait(false);
        if (!finished)
        {
            staged.Keep();
            return new RunResult(null, staged.WorkPath, done, staged.Resumed, false, timings.ModelSeconds, timings.FigureSeconds, timings.FiguresDrawn);
        }
        var manifest = await RunManifestAssembly.FinishAsync(_strategy, header, source, staged.WorkPath).ConfigureAwait(false);
        manifest.Save(staged.WorkPath);
        File.Delete(Path.Combine(staged.WorkPath, _strategy.JournalFile));
        File.Delete(Path.Combine(staged.WorkPath, SettingsFile));
        staged.Commit();
        return new RunResult(manifest, staged.Target, done, staged.Resumed, staged.ReplacesPreviousRun,
                             timings.ModelSeconds, timings.FigureSeconds, timings.FiguresDrawn);
    }

    /// <summary>
    /// Runs into an existing folder <paramref name="dir"/> that the caller stages (the demo puts several runs in one
    /// folder) and returns the manifest, unsaved; null when cancelled.
    /// </summary>
    public RunManifest? RunInto(RunSource source, string dir, ManifestModel model, IProgress<ProgressUpdate>? progress = null,
                                CancellationToken cancellation = default) =>
        Task.Run(() => RunIntoAsync(source, dir, model, progress, cancellation)).GetAwaiter().GetResult();

    /// <inheritdoc cref="RunInto"/>
    public async Task<RunManifest?> RunIntoAsync(RunSource source, string dir, ManifestModel model, IProgress<ProgressUpdate>? progress = null,
                                                 CancellationToken cancellation = default)
    {
        _options.Validate();
        var header = RunManifestAssembly.Header(source, model, _method, _layer, _names, _options, _strategy);
        var (finished, _, _) = await new RunPipeline(_strategy, _options).RunAsync(source, dir, progress, cancellation).ConfigureAwait(false);
        if (!finished) return null;
        var manifest = await RunManifestAssembly.FinishAsync(_strategy, header, source, dir).ConfigureAwait(false);
        File.Delete(Path.Combine(dir, _strategy.JournalFile));
        return manifest;
    }

    /// <summary>Writes the run's settings into a new staging folder, or checks that a resumed one was started with the same.</summary>
    private static void CheckSettings(string dir, RunManifest header)
    {
        var settings = JsonSerializer.Serialize(header.Identity(), RunManifest.JsonOptions);
        var path = Path.Combine(dir, SettingsFile);
        if (File.Exists(path) && File.ReadAllText(path) != settings)
            throw new InvalidRequestException("Resume", null, $"the unfinished run in {dir} was started with other settings (model, method, " +
                                              "data or options differ). Start over instead of resuming, or resume with the first run's settings.");
        if (!File.Exists(path)) AtomicFile.WriteAllText(path, settings);
    }
}
