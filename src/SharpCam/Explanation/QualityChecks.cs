using SharpCam.Rendering;
using SharpCam.Cam;
using SharpCam.Metrics;
using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Explanation;

/// <summary>
/// How far an explain run's maps can be trusted, as manifest sections: faithfulness metrics on the explained images,
/// and the model-randomisation sanity check with its plot.
/// </summary>
public static class QualityChecks
{
    /// <summary>
    /// Drop/increase in confidence (keeping only the highlighted region), ROAD combined (deterministic: no imputation
    /// noise) and deletion/insertion areas, for <paramref name="method"/>'s maps of <paramref name="input"/> [N,C,H,W]
    /// explaining <paramref name="targets"/>, in batches of <paramref name="batchSize"/> images.
    /// </summary>
    public static IReadOnlyList<MetricSeries> Faithfulness(CamMethod method, Tensor input, IReadOnlyList<ICamTarget> targets,
                                                           int batchSize, IProgress<ProgressUpdate>? progress = null)
    {
        var names = new[] { "drop_in_confidence", "increase_in_confidence", "road_combined", "deletion_auc", "insertion_auc" };
        var higherIsBetter = new[] { false, true, true, false, true };
        var values = names.Select(_ => new List<double>()).ToArray();
        for (long start = 0; start < input.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, input.shape[0] - start);
            var batch = input.narrow(0, start, count);
            var batchTargets = targets.Skip((int)start).Take((int)count).ToList();
            using var result = method.Explain(batch, batchTargets);
            var (model, maps) = (method.Model, result.Maps);
            using (var drop = new DropInConfidence().Evaluate(model, batch, maps, batchTargets)) values[0].AddRange(drop.Values.Select(v => (double)v));
            using (var increase = new IncreaseInConfidence().Evaluate(model, batch, maps, batchTargets)) values[1].AddRange(increase.Values.Select(v => (double)v));
            using (var imputer = new NoisyLinearImputer(noise: 0))
                values[2].AddRange(new RoadCombined(imputer: imputer).Evaluate(model, batch, maps, batchTargets, progress).Values.Select(v => (double)v));
            var curves = new DeletionInsertionMetric().Evaluate(model, batch, maps, batchTargets, progress);
            values[3].AddRange(curves.DeletionAuc);
            values[4].AddRange(curves.InsertionAuc);
        }
        return names.Select((name, i) => new MetricSeries
        {
            Name = name, Method = method.Name, Values = values[i], Mean = values[i].Average(), HigherIsBetter = higherIsBetter[i],
        }).ToList();
    }

    /// <summary>
    /// Runs the cascading randomisation check for each method (built per model by <paramref name="methods"/>) on
    /// <paramref name="targets"/> (null: each image's class as the trained model predicts it), plots
    /// Spearman correlation against randomised depth into <paramref name="runDir"/>/<paramref name="figurePath"/>, and
    /// returns the manifest section.
    /// </summary>
    public static SanityCheck Sanity(Module<Tensor, Tensor> model, Func<Module<Tensor, Tensor>> newModel,
        IReadOnlyList<Func<Module<Tensor, Tensor>, CamMethod>> methods, Tensor input, IReadOnlyList<ICamTarget>? targets,
        string runDir, string figurePath, IProgress<ProgressUpdate>? progress = null)
    {
        var results = methods.Select(m => SharpCam.Metrics.SanityCheck.Run(model, newModel, m, input, targets, progress: progress)).ToList();
        var depth = new[] { "trained" }.Concat(results[0].Steps.Select(s => s.Layer)).ToList();
        Figures.Lines(Path.Combine(runDir, figurePath), "Sanity check: maps vs. cascading weight randomisation",
            "randomised down to layer", "Spearman correlation with the trained model's maps", depth,
            results.Select(r => new LineSeries(r.Method, new[] { 1.0 }.Concat(r.Steps.Select(s => s.MeanSpearman)).ToList())).ToList());
        return new SanityCheck
        {
            Figure = figurePath,
            Measure = "spearman",
            Methods = results.Select(r => new SanityMethod
            {
                Method = r.Method,
                Steps = r.Steps.Select(s => new SanityStep { Layer = s.Layer, Correlation = s.MeanSpearman }).ToList(),
            }).ToList(),
        };
    }
}
