using SharpCam.Images;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Rendering;
using SharpCam.Targets;
using static TorchSharp.torch;

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
/// The one run pipeline behind explain, failures and the demo. Items stream from a <see cref="RunSource"/> through three
/// stages: reading and preprocessing run ahead on a background task behind a bounded queue; the model thread batches,
/// explains and writes each item's maps (.npy); the figure stage draws PNGs behind its own bounded queue and journals
/// each finished batch. Nothing per item is held once its batch is journaled, so memory is bounded by the batch and the
/// queues, not by the data set. A cancelled token stops the run after the current batch with everything finished kept;
/// <see cref="Run"/> with <c>resume</c> continues it. An item that cannot be read is listed in the manifest's skipped
/// items with the reason, and the run goes on (<see cref="RunOptions.Strict"/>: it stops the run).
/// </summary>
public sealed class DataSetRun(CamMethod method, ClassNames names, RunOptions options)
{
    public const string MapsFolder = "maps", FiguresFolder = "figures";
    private const string SettingsFile = "run-settings.json";
    private const int GridSize = 16;

    /// <summary>The layers the caller asked for (null for a method that uses none, e.g. FullGrad).</summary>
    private string? Layer => method.TargetLayers.Count == 0 ? null : string.Join("+", method.TargetLayers);

    /// <summary>
    /// Runs into <paramref name="outDir"/>, written as a whole (<see cref="StagedFolder.Resumable"/>): the manifest is
    /// saved and the folder put in place only when every item is done. With <paramref name="resume"/> an interrupted or
    /// killed run of the same settings into the same folder is continued; a finished folder is returned as it is.
    /// <paramref name="inputs"/>: files the run reads, which may not lie inside <paramref name="outDir"/>.
    /// </summary>
    public RunResult Run(RunSource source, string outDir, ManifestModel model, bool resume = false, IReadOnlyList<string?>? inputs = null,
                         IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        using var staged = StagedFolder.Resumable(outDir, resume, [.. inputs ?? []]);
        if (resume && !staged.Resumed && staged.ReplacesPreviousRun && File.Exists(Path.Combine(staged.Target, RunManifest.FileName)))
            return new RunResult(RunManifest.Load(staged.Target), staged.Target, 0, Resumed: true, ReplacedPreviousRun: false, 0, 0, 0);
        var header = Header(source, model);
        CheckSettings(staged.WorkPath, header);
        var (manifest, done, timings) = Execute(source, staged.WorkPath, header, progress, cancellation);
        if (manifest is null)
        {
            staged.Keep();
            return new RunResult(null, staged.WorkPath, done, staged.Resumed, false, timings.Model, timings.Figures, timings.Drawn);
        }
        manifest.Save(staged.WorkPath);
        File.Delete(JournalPath(staged.WorkPath));
        File.Delete(Path.Combine(staged.WorkPath, SettingsFile));
        staged.Commit();
        return new RunResult(manifest, staged.Target, done, staged.Resumed, staged.ReplacesPreviousRun, timings.Model, timings.Figures, timings.Drawn);
    }

    /// <summary>
    /// Runs into an existing folder <paramref name="dir"/> that the caller stages (the demo puts several runs in one
    /// folder) and returns the manifest, unsaved; null when cancelled.
    /// </summary>
    public RunManifest? RunInto(RunSource source, string dir, ManifestModel model, IProgress<ProgressUpdate>? progress = null,
                                CancellationToken cancellation = default)
    {
        options.Validate();
        var (manifest, _, _) = Execute(source, dir, Header(source, model), progress, cancellation);
        if (manifest is not null) File.Delete(JournalPath(dir));
        return manifest;
    }

    private string JournalPath(string dir) =>
        Path.Combine(dir, options.Kind == RunKind.Explain ? RunJournal.FileName : $"failures-{RunJournal.FileName}");

    /// <summary>The manifest without its items: what the run is; a resumed run must match it.</summary>
    private RunManifest Header(RunSource source, ManifestModel model) => new()
    {
        Version = SharpCamInfo.Version,
        Created = DateTime.UtcNow,
        Kind = options.Kind,
        Model = model,
        Method = method.Name,
        Layer = Layer,
        Normalization = method.Options.Normalization == MapNormalization.MinMax ? "min-max" : "divide-by-max",
        TargetRule = options.Kind == RunKind.Failures ? "pred+true" : options.Concept?.Describe() ?? options.Target.ToString(),
        ClassNames = names.Names,
        Data = source.Data,
        Options = new ManifestOptions
        {
            BatchSize = options.BatchSize, TopK = options.TopK, Figures = options.Figures.ToString().ToLowerInvariant(), Limit = options.Limit,
            Metrics = options.Metrics, SanityMethods = options.Sanity?.Methods.Count,
        },
        Items = [],
    };

    /// <summary>Writes the run's settings into a new staging folder, or checks that a resumed one was started with the same.</summary>
    private void CheckSettings(string dir, RunManifest header)
    {
        var settings = JsonSerializer.Serialize(header.Identity(), RunManifest.JsonOptions);
        var path = Path.Combine(dir, SettingsFile);
        if (File.Exists(path) && File.ReadAllText(path) != settings)
            throw new InvalidOperationException($"--resume: the unfinished run in {dir} was started with other settings (model, method, data or " +
                                                "options differ). Run again without --resume to start over, or with the first run's options.");
        if (!File.Exists(path)) AtomicFile.WriteAllText(path, settings);
    }

    private sealed record Decoded(long Position, RunSourceItem Item, ExplainInput? Input, string? Error);

    private (RunManifest? Manifest, long Done, (double Model, double Figures, long Drawn) Timings) Execute(
        RunSource source, string dir, RunManifest header, IProgress<ProgressUpdate>? progress, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.Combine(dir, MapsFolder));
        Directory.CreateDirectory(Path.Combine(dir, FiguresFolder));
        var journalPath = JournalPath(dir);
        var finished = RunJournal.Read(journalPath).Select(e => e.Position).ToHashSet();
        long done = finished.Count, total = source.Data.Count;
        var task = options.Kind == RunKind.Explain ? "explain" : "failures";
        progress?.Report(new ProgressUpdate(task, done, Math.Max(total, done)));

        var modelClock = new Stopwatch();
        var queue = Channel.CreateBounded<Decoded>(new BoundedChannelOptions(options.ReadAhead ?? 2 * options.BatchSize)
        {
            SingleReader = true, SingleWriter = true,
        });
        using var stopReading = new CancellationTokenSource();
        var reader = Task.Run(() => ReadAhead(source, finished, queue.Writer, stopReading.Token));
        bool interrupted = false;
        FigureStage figures;
        using (var journal = RunJournal.Open(journalPath))
        {
            figures = new FigureStage(journal, options.FigureQueue);
            try
            {
                while (!(interrupted = cancellation.IsCancellationRequested))
                {
                    var (good, bad) = NextBatch(queue.Reader);
                    if (good.Count == 0 && bad.Count == 0) break;
                    if (options.Strict && bad.Count > 0)
                        throw new InvalidDataException($"{bad[0].Error} (--strict: a file that cannot be read stops the run)");
                    var drawings = new List<Action>();
                    modelClock.Start();
                    var entries = good.Count == 0 ? []
                        : options.Kind == RunKind.Explain ? ExplainBatch(good, dir, drawings) : AnalyseBatch(good, dir, drawings);
                    modelClock.Stop();
                    entries.AddRange(bad.Select(b => new JournalEntry
                    {
                        Position = b.Position, Skipped = new SkippedItem { Id = b.Item.Id, Source = b.Item.Source, Reason = b.Error! },
                    }));
                    figures.Post(entries.OrderBy(e => e.Position).ToList(), drawings);
                    done += entries.Count;
                    progress?.Report(new ProgressUpdate(task, done, Math.Max(total, done)));
                }
            }
            finally
            {
                stopReading.Cancel();
                try { reader.GetAwaiter().GetResult(); } catch (OperationCanceledException) { }
                while (queue.Reader.TryRead(out var left)) left.Input?.ModelInput.Dispose();
                figures.Complete();
            }
        }
        var timings = (modelClock.Elapsed.TotalSeconds, figures.Drawing.TotalSeconds, figures.Drawn);
        if (interrupted) return (null, done, timings);
        return (Finish(source, dir, header, RunJournal.Read(journalPath)), done, timings);
    }

    /// <summary>The background stage: reads and preprocesses the items not yet finished, in order, as far ahead as the queue allows.</summary>
    private async Task ReadAhead(RunSource source, HashSet<long> finished, ChannelWriter<Decoded> queue, CancellationToken stop)
    {
        try
        {
            long position = -1;
            bool keepDisplay = options.Figures != FigureMode.None;
            await foreach (var item in source.Items(stop))
            {
                if (finished.Contains(++position)) continue;
                var (input, error) = MissingLabel(item) is { } missing ? (null, missing) : Load(item, keepDisplay);
                try
                {
                    await queue.WriteAsync(new Decoded(position, item, input, error), stop);
                }
                catch (OperationCanceledException)
                {
                    input?.ModelInput.Dispose();
                    throw;
                }
            }
            queue.TryComplete();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            queue.TryComplete();
        }
        catch (Exception e)
        {
            queue.TryComplete(e);
        }
    }

    /// <summary>Reads one item; a file that cannot be read gives the reason instead (what went wrong is about that file, not the run).</summary>
    private static (ExplainInput? Input, string? Error) Load(RunSourceItem item, bool keepDisplay)
    {
        try
        {
            return (item.Load(keepDisplay), null);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or TypeInitializationException
                                            or DllNotFoundException or NullReferenceException))
        {
            var reason = item.Source is { } s && !e.Message.Contains(s, StringComparison.Ordinal) ? $"{s}: {e.Message}" : e.Message;
            return (null, reason);
        }
    }

    /// <summary>Up to a batch of readable items, and the unreadable ones met on the way (journaled with this batch).</summary>
    private (List<Decoded> Good, List<Decoded> Bad) NextBatch(ChannelReader<Decoded> queue)
    {
        var (good, bad) = (new List<Decoded>(), new List<Decoded>());
        while (good.Count < options.BatchSize && queue.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            while (good.Count < options.BatchSize && queue.TryRead(out var item))
                (item.Input is null ? bad : good).Add(item);
        return (good, bad);
    }

    /// <summary>Why an item cannot be run without a true label, known before it is read.</summary>
    private string? MissingLabel(RunSourceItem item) =>
        item.TrueLabel is not null ? null
        : options.Kind == RunKind.Failures ? $"{item.Source ?? item.Id}: no true label; failure analysis needs one for every image " +
                                             "(an ImageFolder layout, ROOT/<class>/<image>, whose folder names are class names or indices)."
        : options.Target == TargetRule.True ? $"{item.Source ?? item.Id}: no true label for --class true (use an ImageFolder layout or --class pred)."
        : null;

    private static Tensor Stack(List<Decoded> batch, Device device)
    {
        var inputs = batch.Select(b => b.Input!.ModelInput).ToList();
        var stacked = stack(inputs).to(device);
        foreach (var input in inputs) input.Dispose();
        return stacked;
    }

    private List<JournalEntry> ExplainBatch(List<Decoded> batch, string dir, List<Action> drawings)
    {
        using var scope = NewDisposeScope();
        var input = Stack(batch, options.Device);
        IReadOnlyList<ICamTarget>? targets = options.Concept is { } concept ? batch.Select(_ => concept).ToList()
            : options.Target == TargetRule.Predicted ? null
            : batch.Select(b => options.Target.For(b.Input!.TrueLabel)).ToList();
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
            var item = batch[i].Input!;
            var target = result.Targets[i];
            var mapPath = $"{MapsFolder}/{item.Id}.npy";
            Npy.Save(Path.Combine(dir, mapPath), maps[i]);
            // Without class scores a class target can only be the default of a method that ignores it (Eigen-CAM).
            var classFree = probabilities is null && target.ClassIndex is not null;
            var described = classFree ? NoTarget : target.Describe();
            var record = RunItems.Prediction(item, probabilities is null ? null : Probabilities(probabilities[i]), names, options.TopK, Layer) with
            {
                TargetClass = classFree ? null : target.ClassIndex, Target = described, Map = mapPath, MapShape = Shape(maps[i]),
            };
            if (Draws(record) && item.Display is { } display)
            {
                var (heatmap, panels) = ($"{FiguresFolder}/{item.Id}_heatmap.png", $"{FiguresFolder}/{item.Id}_panels.png");
                record = record with { Figures = new ItemFigures { Heatmap = heatmap, Panels = panels } };
                var array = TensorImages.ToArray(maps[i]);
                var about = !classFree && target.ClassIndex is { } c ? $"{names.NameOf(c)} ({described})" : described;
                var title = $"{item.Id}: " + (probabilities is null ? described : $"predicted {record.PredictedName}") +
                            (record.TrueName is { } t ? $", true {t}" : "");
                drawings.Add(() => Figures.Heatmap(Path.Combine(dir, heatmap), array, Layer is null ? $"{method.Name}: {about}" : $"{method.Name} at {Layer}: {about}"));
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

    /// <summary>Failure analysis of one batch: a forward pass for every item; both maps and a compare figure for each mistake.</summary>
    private List<JournalEntry> AnalyseBatch(List<Decoded> batch, string dir, List<Action> drawings)
    {
        using var scope = NewDisposeScope();
        var input = Stack(batch, options.Device);
        Tensor logits;
        using (no_grad()) logits = method.Model.call(input);
        if (!HasClassScores(logits))
            throw new InvalidOperationException(NoClassScores(logits, "failure analysis needs a classifier (it makes no mistakes to analyse)"));
        var probabilities = logits.softmax(1).cpu();
        var labels = tensor(batch.Select(b => (long)b.Input!.TrueLabel!.Value).ToArray()).to(logits.device);
        var losses = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var records = batch.Select((b, i) => RunItems.Prediction(b.Input!, Probabilities(probabilities[i]), names, options.TopK, Layer)).ToList();
        var mistakes = Enumerable.Range(0, batch.Count).Where(i => RunItems.IsMistake(records[i])).ToList();
        if (mistakes.Count > 0)
        {
            var wrong = input.index_select(0, tensor(mistakes.Select(i => (long)i).ToArray()).to(input.device));
            using var forPredicted = method.Explain(wrong, mistakes.Select(i => (ICamTarget)new ClassLogitTarget(records[i].PredictedLabel)).ToList());
            using var forTrue = method.Explain(wrong, mistakes.Select(i => (ICamTarget)new ClassLogitTarget(records[i].TrueLabel!.Value)).ToList());
            var (predictedMaps, trueMaps) = (forPredicted.FeatureMaps.cpu(), forTrue.FeatureMaps.cpu());
            for (int k = 0; k < mistakes.Count; k++)
            {
                var (i, item) = (mistakes[k], batch[mistakes[k]].Input!);
                var (predictedPath, truePath) = ($"{MapsFolder}/{item.Id}_pred.npy", $"{MapsFolder}/{item.Id}_true.npy");
                Npy.Save(Path.Combine(dir, predictedPath), predictedMaps[k]);
                Npy.Save(Path.Combine(dir, truePath), trueMaps[k]);
                records[i] = records[i] with { MapShape = Shape(predictedMaps[k]), Maps = new ItemMaps { Predicted = predictedPath, True = truePath } };
                if (options.Figures != FigureMode.None && item.Display is { } display)
                {
                    var compare = $"{FiguresFolder}/{item.Id}_compare.png";
                    records[i] = records[i] with { Figures = new ItemFigures { Compare = compare } };
                    var (p, t) = (records[i].PredictedLabel, records[i].TrueLabel!.Value);
                    var (predictedArray, trueArray) = (TensorImages.ToArray(predictedMaps[k]), TensorImages.ToArray(trueMaps[k]));
                    var (pp, tp) = (Probability(probabilities, i, p), Probability(probabilities, i, t));
                    drawings.Add(() => Figures.Compare(Path.Combine(dir, compare), display, predictedArray, trueArray, options.Style,
                        $"{item.Id}: true {names.NameOf(t)}", $"why {names.NameOf(p)} ({pp:P0})", $"evidence for {names.NameOf(t)} ({tp:P0})"));
                }
            }
        }
        return records.Select((r, i) => new JournalEntry
        {
            Position = batch[i].Position, Item = r with { Confidence = r.TopK![0].Probability }, Loss = losses[i],
        }).ToList();
    }

    /// <summary>What a class-free model's items explain when the method needs no target (Eigen-CAM).</summary>
    public const string NoTarget = "no target (the model has no class scores)";

    /// <summary>Class scores are [N, K]; anything else (features, [N, D, 1, 1]) is not.</summary>
    private static bool HasClassScores(Tensor logits) => logits.dim() == 2;

    private static string NoClassScores(Tensor logits, string why) =>
        $"The model has no class scores (its output is [{string.Join(", ", logits.shape.Skip(1))}] per image, not [classes]): {why}. " +
        "Explain it with Eigen-CAM or a concept similarity target instead.";

    private bool Draws(ManifestItem item) => options.Figures == FigureMode.All || options.Figures == FigureMode.Failures && RunItems.IsMistake(item);

    private static double[] Probabilities(Tensor row) => row.data<float>().Select(p => (double)p).ToArray();

    private static double Probability(Tensor probabilities, int row, int column) => probabilities[row, column].item<float>();

    private static List<int> Shape(Tensor map) => map.shape.Select(d => (int)d).ToList();

    /// <summary>The manifest from the journal: items in source order (failures: the mistakes, most confident first), and its sections.</summary>
    private RunManifest Finish(RunSource source, string dir, RunManifest header, IReadOnlyList<JournalEntry> journal)
    {
        var entries = journal.OrderBy(e => e.Position).ToList();
        var items = entries.Where(e => e.Item is not null).Select(e => e.Item!).ToList();
        var skipped = entries.Where(e => e.Skipped is not null).Select(e => e.Skipped!).ToList();
        if (items.Count == 0 && skipped.Count > 0)
            throw new InvalidDataException($"None of the {skipped.Count} items could be run; the first: {skipped[0].Reason}");
        var manifest = header with
        {
            Created = DateTime.UtcNow,
            Data = header.Data! with { Count = items.Count },
            Items = items,
            Skipped = skipped.Count > 0 ? skipped : null,
        };
        if (options.Kind == RunKind.Failures) return WithFailures(manifest, dir, entries, items);
        if (options.Metrics)
            manifest = manifest with
            {
                Metrics = QualityChecks.FaithfulnessSeries(method.Name, entries.Where(e => e.Item is not null).Select(e => e.Metrics!).ToList()),
            };
        return WithFirstItems(manifest, source, dir);
    }

    private RunManifest WithFailures(RunManifest manifest, string dir, List<JournalEntry> entries, List<ManifestItem> items)
    {
        var ranked = items.Select((item, order) => (item, order)).Where(x => RunItems.IsMistake(x.item))
            .OrderByDescending(x => x.item.Confidence).ThenBy(x => x.order).Select(x => x.item).ToList();
        var kept = ranked.Take(options.Limit ?? int.MaxValue).ToList();
        foreach (var dropped in ranked.Skip(kept.Count))   // --limit: only the most confident mistakes keep their files
            foreach (var file in new[] { dropped.Maps?.Predicted, dropped.Maps?.True, dropped.Figures?.Compare }.OfType<string>())
                File.Delete(Path.Combine(dir, file));
        var evaluated = entries.Where(e => e.Item is not null).ToList();
        var evaluation = new Training.EvaluationResult(
            evaluated.Count == 0 ? double.NaN : evaluated.Sum(e => e.Loss!.Value) / evaluated.Count,
            items.Select(i => i.TrueLabel!.Value).ToArray(), items.Select(i => i.PredictedLabel).ToArray(),
            items.Select(i => (float)i.Confidence!.Value).ToArray(), names.Count);
        return manifest with { Items = kept, Evaluation = EvaluationSummary.From(evaluation) };
    }

    /// <summary>The grid of the first inputs and the sanity check on them: the first items are read from the source again.</summary>
    private RunManifest WithFirstItems(RunManifest manifest, RunSource source, string dir)
    {
        bool grid = options.Figures != FigureMode.None;
        if (manifest.Items.Count == 0 || !grid && options.Sanity is null) return manifest;
        var wanted = Math.Max(grid ? GridSize : 0, options.Sanity?.Images ?? 0);
        var first = manifest.Items.Take(wanted).ToList();
        var inputs = ReadAgain(source, first.Select(i => i.Id).ToHashSet(), keepDisplay: grid);
        try
        {
            if (grid)
            {
                var shown = first.Take(GridSize).ToList();
                var path = $"{FiguresFolder}/grid.png";
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
                        checkedItems.Select(i => (ICamTarget)new ClassLogitTarget(i.TargetClass!.Value)).ToList(), dir, $"{FiguresFolder}/sanity.png"),
                };
            }
        }
        finally
        {
            foreach (var input in inputs.Values) input.ModelInput.Dispose();
        }
        return manifest;
    }

    private static Dictionary<string, ExplainInput> ReadAgain(RunSource source, HashSet<string> ids, bool keepDisplay)
    {
        var found = new Dictionary<string, ExplainInput>();
        var items = source.Items().GetAsyncEnumerator();
        try
        {
            while (found.Count < ids.Count && items.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                if (ids.Contains(items.Current.Id)) found[items.Current.Id] = items.Current.Load(keepDisplay);
        }
        finally
        {
            items.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return found;
    }
}
