using SharpCam.Images;
using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Rendering;
using SharpCam.Targets;
using static SharpCam.Runs.BatchResults;
using static TorchSharp.torch;

namespace SharpCam.Runs;

/// <summary>
/// An explain run: one map per item for the target of <see cref="RunOptions.Target"/> (or the concept), its figures,
/// faithfulness per batch (<see cref="RunOptions.Metrics"/>); at the end the grid of the first inputs and the sanity
/// check on them, both read from the source again so nothing is held for them meanwhile.
/// </summary>
internal sealed class ExplainStrategy(CamMethod method, ClassNames names, RunOptions options, string? layer) : IRunStrategy
{
    private const int GridSize = 16;

    public string ProgressTask => "explain";
    public string JournalFile => RunJournal.FileName;
    public string TargetRule => options.Concept?.Describe() ?? options.Target.ToString();

    public string? CannotRun(RunSourceItem item) =>
        item.TrueLabel is null && options.Target == Targets.TargetRule.True
            ? $"{item.Source ?? item.Id}: no true label for the true-class target (use an ImageFolder layout, or explain the predicted class)."
            : null;

    public List<JournalEntry> RunBatch(IReadOnlyList<(long Position, ExplainInput Input)> batch, string dir, List<Action> drawings)
    {
        using var scope = NewDisposeScope();
        var input = Stack(batch, options.Device);
        IReadOnlyList<ICamTarget>? targets = options.Concept is { } concept ? batch.Select(_ => concept).ToList()
            : options.Target == Targets.TargetRule.Predicted ? null
            : batch.Select(b => options.Target.For(b.Input.TrueLabel)).ToList();
        using var result = method.Explain(input, targets);
        // A model without class scores (a featurizer, [N, D, 1, 1]) predicts nothing: its items say so (label -1, no top-k).
        var probabilities = HasClassScores(result.Logits) ? result.Logits.softmax(1).cpu() : null;
        if (probabilities is null && (options.Metrics || options.Sanity is not null))
            throw new InvalidOperationException(NoClassScores(result.Logits, "faithfulness metrics and the sanity check measure class scores"));
        if (probabilities is null && (targets is null ? method.NeedsTarget : targets.Any(t => t.ClassIndex is not null)))
            throw new InvalidOperationException(NoClassScores(result.Logits, targets is null ? $"{method.Name} explains a class" : "a class target needs them"));
        var maps = result.FeatureMaps.cpu();
        var metrics = options.Metrics ? QualityChecks.FaithfulnessOfBatch(method.Model, input, result.Maps, result.Targets) : null;
        var entries = new List<JournalEntry>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            var item = batch[i].Input;
            var target = result.Targets[i];
            var mapPath = $"{DataSetRun.MapsFolder}/{item.Id}.npy";
            Npy.Save(Path.Combine(dir, mapPath), maps[i]);
            // Without class scores a class target can only be the default of a method that ignores it (Eigen-CAM).
            var classFree = probabilities is null && target.ClassIndex is not null;
            var described = classFree ? DataSetRun.NoTarget : target.Describe();
            var record = RunItems.Prediction(item, probabilities is null ? null : Probabilities(probabilities[i]), names, options.TopK, layer) with
            {
                TargetClass = classFree ? null : target.ClassIndex, Target = described, Map = mapPath, MapShape = Shape(maps[i]),
            };
            if (Draws(record) && item.Display is { } display)
            {
                var (heatmap, panels) = ($"{DataSetRun.FiguresFolder}/{item.Id}_heatmap.png", $"{DataSetRun.FiguresFolder}/{item.Id}_panels.png");
                record = record with { Figures = new ItemFigures { Heatmap = heatmap, Panels = panels } };
                var array = TensorImages.ToArray(maps[i]);
                var about = !classFree && target.ClassIndex is { } c ? $"{names.NameOf(c)} ({described})" : described;
                var title = $"{item.Id}: " + (probabilities is null ? described : $"predicted {record.PredictedName}") +
                            (record.TrueName is { } t ? $", true {t}" : "");
                drawings.Add(() => Figures.Heatmap(Path.Combine(dir, heatmap), array, layer is null ? $"{method.Name}: {about}" : $"{method.Name} at {layer}: {about}"));
                drawings.Add(() => Figures.Panels(Path.Combine(dir, panels), display, array, options.Style, title));
            }
            entries.Add(new JournalEntry
            {
                Position = batch[i].Position, Item = record,
                Metrics = metrics is null ? null
                    : QualityChecks.FaithfulnessMetrics.Select((m, k) => (m.Name, metrics[k][i])).ToDictionary(x => x.Name, x => x.Item2),
            });
        }
        return entries;
    }

    private bool Draws(ManifestItem item) => options.Figures == FigureMode.All || options.Figures == FigureMode.Failures && RunItems.IsMistake(item);

    public async Task<RunManifest> FinishAsync(RunManifest manifest, JournalItems journal, RunSource source, string dir)
    {
        if (options.Metrics)
            manifest = manifest with { Metrics = QualityChecks.FaithfulnessSeries(method.Name, journal.Entries().Select(e => e.Metrics!).ToList()) };
        return await WithFirstItems(manifest, source, dir).ConfigureAwait(false);
    }

    /// <summary>The grid of the first inputs and the sanity check on them: the first items are read from the source again.</summary>
    private async Task<RunManifest> WithFirstItems(RunManifest manifest, RunSource source, string dir)
    {
        bool grid = options.Figures != FigureMode.None;
        if (manifest.Items.Count == 0 || !grid && options.Sanity is null) return manifest;
        var wanted = Math.Max(grid ? GridSize : 0, options.Sanity?.Images ?? 0);
        var first = manifest.Items.Take(wanted).ToList();
        var inputs = await ReadAgain(source, first.Select(i => i.Id).ToHashSet(), keepDisplay: grid).ConfigureAwait(false);
        try
        {
            if (grid)
            {
                var shown = first.Take(GridSize).ToList();
                var path = $"{DataSetRun.FiguresFolder}/grid.png";
                Figures.Grid(Path.Combine(dir, path), shown.Select(i => inputs[i.Id].Display!).ToList(), shown.Select(RunItems.Caption).ToList(),
                    $"{method.Name} inputs: true → predicted");
                manifest = manifest with { Figures = new RunFigures { Grid = path } };
            }
            if (options.Sanity is { } sanity)
            {
                using var scope = NewDisposeScope();
                var checkedItems = first.Take(sanity.Images).ToList();
                var images = stack(checkedItems.Select(i => inputs[i.Id].ModelInput).ToList()).to(options.Device);
                manifest = manifest with
                {
                    Sanity = QualityChecks.Sanity(method.Model, sanity.NewModel, sanity.Methods, images,
                        checkedItems.Select(i => (ICamTarget)new ClassLogitTarget(i.TargetClass!.Value)).ToList(), dir,
                        $"{DataSetRun.FiguresFolder}/sanity.png"),
                };
            }
        }
        finally
        {
            foreach (var input in inputs.Values) input.ModelInput.Dispose();
        }
        return manifest;
    }

    private static async Task<Dictionary<string, ExplainInput>> ReadAgain(RunSource source, HashSet<string> ids, bool keepDisplay)
    {
        var found = new Dictionary<string, ExplainInput>();
        await foreach (var item in source.Items().ConfigureAwait(false))
        {
            if (ids.Contains(item.Id)) found[item.Id] = item.Load(keepDisplay);
            if (found.Count == ids.Count) break;
        }
        return found;
    }
}
