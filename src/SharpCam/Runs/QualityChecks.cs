using SharpCam.Explanation;
using SharpCam.Rendering;
using SharpCam.Cam;
using SharpCam.Metrics;
using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Runs;

/// <summary>
/// How far an explain run's maps can be trusted, as manifest sections: faithfulness metrics on the explained images,
/// and the model-randomisation sanity check with its plot.
/// </summary>
public static class QualityChecks
{
    /// <summary>The faithfulness metrics, in the order of <see cref="FaithfulnessOfBatch"/>'s values, and whether higher is better.</summary>
    public static IReadOnlyList<(string Name, bool HigherIsBetter)> FaithfulnessMetrics { get; } =
    [
        ("drop_in_confidence", false), ("increase_in_confidence", true), ("road_combined", true), ("deletion_auc", false), ("insertion_auc", true),
    ];

    /// <summary>
    /// Drop/increase in confidence (keeping only the highlighted region), ROAD combined (deterministic: no imputation
    /// noise) and deletion/insertion areas of one batch: <paramref name="maps"/> [N, H, W] of <paramref name="input"/>
    /// [N, C, H, W], explaining <paramref name="targets"/>. One array per metric of <see cref="FaithfulnessMetrics"/>, one value per image.
    /// </summary>
    public static double[][] FaithfulnessOfBatch(Module<Tensor, Tensor> model, Tensor input, Tensor maps, IReadOnlyList<ICamTarget> targets,
                                                 IProgress<ProgressUpdate>? progress = null)
    {
        using var scope = NewDisposeScope();
        using var drop = new DropInConfidence().Evaluate(model, input, maps, targets);
        using var increase = new IncreaseInConfidence().Evaluate(model, input, maps, targets);
        using var imputer = new NoisyLinearImputer(noise: 0);
        var road = new RoadCombined(imputer: imputer).Evaluate(model, input, maps, targets, progress);
        var curves = new DeletionInsertionMetric().Evaluate(model, input, maps, targets, progress);
        return
        [
            drop.Values.Select(v => (double)v).ToArray(), increase.Values.Select(v => (double)v).ToArray(),
            road.Values.Select(v => (double)v).ToArray(), curves.DeletionAuc.ToArray(), curves.InsertionAuc.ToArray(),
        ];
    }

    /// <summary>The faithfulness metrics of <paramref name="method"/>'s maps of one batch, as the manifest's metrics section.</summary>
    public static IReadOnlyList<MetricSeries> Faithfulness(CamMethod method, Tensor images, IReadOnlyList<ICamTarget>? targets = null,
                                                           IProgress<ProgressUpdate>? progress = null)
    {
        using var scope = NewDisposeScope();
        using var result = method.Explain(images, targets);
        var values = FaithfulnessOfBatch(method.Model, images, result.Maps, result.Targets, progress);
        var perItem = Enumerable.Range(0, (int)images.shape[0])
            .Select(i => (IReadOnlyDictionary<string, double>)FaithfulnessMetrics.Select((m, k) => (m.Name, values[k][i])).ToDictionary(x => x.Name, x => x.Item2))
            .ToList();
        return FaithfulnessSeries(method.Name, perItem);
    }

    /// <summary>The manifest's metrics section: per metric, <paramref name="method"/>'s values per item (in item order) and their mean.</summary>
    public static IReadOnlyList<MetricSeries> FaithfulnessSeries(string method, IReadOnlyList<IReadOnlyDictionary<string, double>> perItem) =>
        FaithfulnessMetrics.Select(m =>
        {
            var values = perItem.Select(item => item[m.Name]).ToList();
            return new MetricSeries { Name = m.Name, Method = method, Values = values, Mean = values.Count > 0 ? values.Average() : null, HigherIsBetter = m.HigherIsBetter };
        }).ToList();

    /// <summary>
    /// Runs the cascading randomisation check for each method (built per model by <paramref name="methods"/>) on
    /// <paramref name="targets"/> (null: each image's class as the trained model predicts it), plots
    /// Spearman correlation against randomised depth into <paramref name="runDir"/>/<paramref name="figurePath"/>, and
    /// returns the manifest section.
    /// </summary>
    public static Explanation.SanityCheck Sanity(Module<Tensor, Tensor> model, Func<Module<Tensor, Tensor>> newModel,
        IReadOnlyList<Func<Module<Tensor, Tensor>, CamMethod>> methods, Tensor input, IReadOnlyList<ICamTarget>? targets,
        string runDir, string figurePath, IProgress<ProgressUpdate>? progress = null)
    {
        var results = methods.Select(m => SharpCam.Metrics.SanityCheck.Run(model, newModel, m, input, targets, progress: progress)).ToList();
        var depth = new[] { "trained" }.Concat(results[0].Steps.Select(s => s.Layer)).ToList();
        Figures.Lines(Path.Combine(runDir, figurePath), "Sanity check: maps vs. cascading weight randomisation",
            "randomised down to layer", "Spearman correlation with the trained model's maps", depth,
            results.Select(r => new LineSeries(r.Method, new[] { 1.0 }.Concat(r.Steps.Select(s => s.MeanSpearman)).ToList())).ToList());
        return new Explanation.SanityCheck
        {
            Figure = figurePath,
            Measure = "spearman",
            Methods = results.Select(r => new SanityMethod
            {
                Method = r.Method,
                Verdict = r.Verdict == SanityVerdict.Passes ? "passes" : "warning",
                Summary = r.Summary,
                Steps = r.Steps.Select(s => new SanityStep { Layer = s.Layer, Correlation = s.MeanSpearman }).ToList(),
            }).ToList(),
        };
    }
}
