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
/// Failure analysis: a forward pass for every item; for each mistake both maps (why the predicted class, evidence for
/// the true one) and a compare figure. At the end the manifest lists the mistakes, most confident first (the first
/// <see cref="RunOptions.Limit"/> keep their files), and the evaluation over every item.
/// </summary>
internal sealed class FailuresStrategy(CamMethod method, ClassNames names, RunOptions options, string? layer) : IRunStrategy
{
    public string ProgressTask => "failures";
    public string JournalFile => $"failures-{RunJournal.FileName}";
    public string TargetRule => "pred+true";

    public string? CannotRun(RunSourceItem item) =>
        item.TrueLabel is not null ? null
        : $"{item.Source ?? item.Id}: no true label; failure analysis needs one for every image " +
          "(an ImageFolder layout, ROOT/<class>/<image>, whose folder names are class names or indices).";

    public List<JournalEntry> RunBatch(IReadOnlyList<(long Position, ExplainInput Input)> batch, string dir, List<Action> drawings)
    {
        using var scope = NewDisposeScope();
        var input = Stack(batch, options.Device);
        Tensor logits;
        using (no_grad()) logits = method.Model.call(input);
        if (!HasClassScores(logits))
            throw new InvalidOperationException(NoClassScores(logits, "failure analysis needs a classifier (it makes no mistakes to analyse)"));
        var probabilities = logits.softmax(1).cpu();
        var labels = tensor(batch.Select(b => (long)b.Input.TrueLabel!.Value).ToArray()).to(logits.device);
        var losses = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var records = batch.Select((b, i) => RunItems.Prediction(b.Input, Probabilities(probabilities[i]), names, options.TopK, layer)).ToList();
        var mistakes = Enumerable.Range(0, batch.Count).Where(i => RunItems.IsMistake(records[i])).ToList();
        if (mistakes.Count > 0)
        {
            var wrong = input.index_select(0, tensor(mistakes.Select(i => (long)i).ToArray()).to(input.device));
            using var forPredicted = method.Explain(wrong, mistakes.Select(i => (ICamTarget)new ClassLogitTarget(records[i].PredictedLabel)).ToList());
            using var forTrue = method.Explain(wrong, mistakes.Select(i => (ICamTarget)new ClassLogitTarget(records[i].TrueLabel!.Value)).ToList());
            var (predictedMaps, trueMaps) = (forPredicted.FeatureMaps.cpu(), forTrue.FeatureMaps.cpu());
            for (int k = 0; k < mistakes.Count; k++)
            {
                var (i, item) = (mistakes[k], batch[mistakes[k]].Input);
                var (predictedPath, truePath) = ($"{DataSetRun.MapsFolder}/{item.Id}_pred.npy", $"{DataSetRun.MapsFolder}/{item.Id}_true.npy");
                Npy.Save(Path.Combine(dir, predictedPath), predictedMaps[k]);
                Npy.Save(Path.Combine(dir, truePath), trueMaps[k]);
                records[i] = records[i] with { MapShape = Shape(predictedMaps[k]), Maps = new ItemMaps { Predicted = predictedPath, True = truePath } };
                if (options.Figures != FigureMode.None && item.Display is { } display)
                {
                    var compare = $"{DataSetRun.FiguresFolder}/{item.Id}_compare.png";
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

    /// <summary>
    /// One pass over the journal keeps what the summary needs: per item its true and predicted class and confidence
    /// (the evaluation), and the place of each mistake (the ranking); the mistakes' records stay in the journal.
    /// </summary>
    public Task<RunManifest> FinishAsync(RunManifest manifest, JournalItems journal, RunSource source, string dir)
    {
        var (truth, predicted, confidence) = (new int[journal.Count], new int[journal.Count], new float[journal.Count]);
        var mistakes = new List<(int Index, double Confidence)>();
        double loss = 0;
        int i = 0;
        foreach (var entry in journal.Entries())
        {
            var item = entry.Item!;
            (truth[i], predicted[i], confidence[i]) = (item.TrueLabel!.Value, item.PredictedLabel, (float)item.Confidence!.Value);
            if (RunItems.IsMistake(item)) mistakes.Add((i, item.Confidence!.Value));
            loss += entry.Loss!.Value;
            i++;
        }
        var ranked = mistakes.OrderByDescending(m => m.Confidence).ThenBy(m => m.Index).Select(m => m.Index).ToList();
        var kept = ranked.Take(options.Limit ?? int.MaxValue).ToList();
        foreach (var dropped in ranked.Skip(kept.Count).Select(index => journal[index]))   // the limit: only the most confident mistakes keep their files
            foreach (var file in new[] { dropped.Maps?.Predicted, dropped.Maps?.True, dropped.Figures?.Compare }.OfType<string>())
                File.Delete(Path.Combine(dir, file));
        var evaluation = new Training.EvaluationResult(journal.Count == 0 ? double.NaN : loss / journal.Count, truth, predicted, confidence, names.Count);
        return Task.FromResult(manifest with { Items = journal.Subset(kept), Evaluation = EvaluationSummary.From(evaluation) });
    }
}
