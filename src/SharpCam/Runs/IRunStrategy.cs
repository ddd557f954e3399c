using SharpCam.Explanation;

namespace SharpCam.Runs;

/// <summary>
/// What one kind of run does with the items the pipeline (<see cref="RunPipeline"/>) hands it: which items it can run,
/// how a batch is worked (maps, figures to draw, journal entries), and the manifest sections it adds at the end. Each
/// <see cref="RunKind"/> has one; nothing outside them asks which kind a run is.
/// </summary>
internal interface IRunStrategy
{
    /// <summary>The progress task's name ("explain", "failures").</summary>
    string ProgressTask { get; }

    /// <summary>The journal's file name in the run folder (the demo puts two runs in one folder).</summary>
    string JournalFile { get; }

    /// <summary>What the maps explain, as the manifest's target rule.</summary>
    string TargetRule { get; }

    /// <summary>Why an item cannot be run, known before it is read (a true label it needs), or null.</summary>
    string? CannotRun(RunSourceItem item);

    /// <summary>Works one batch of readable items: writes their maps, adds the figures to draw, returns their journal entries.</summary>
    List<JournalEntry> RunBatch(IReadOnlyList<(long Position, ExplainInput Input)> batch, string dir, List<Action> drawings);

    /// <summary>The finished manifest from the assembled one, whose items (in source order) are <paramref name="journal"/>'s.</summary>
    Task<RunManifest> FinishAsync(RunManifest manifest, JournalItems journal, RunSource source, string dir);
}
