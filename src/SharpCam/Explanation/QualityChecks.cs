using SharpCam.Cam;
using SharpCam.Metrics;
using SharpCam.Rendering;
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
    /// noise) and deletion/insertion areas, for <paramref name="method"/>'s maps of <paramref name="input"/> [N,C,H,W].
    /// </summary>
    public static IReadOnlyList<MetricSeries> Faithfulness(CamMethod method, Tensor input, IProgress<ProgressUpdate>? progress = null)
    {
        using var scope = NewDisposeScope();
        using var result = method.Explain(input);
        var (model, maps, targets) = (method.Model, result.Maps, result.Targets);
        var series = new List<MetricSeries>();
        void Add(string name, IEnumerable<double> values, bool higherIsBetter)
        {
            var list = values.ToList();
            series.Add(new MetricSeries { Name = name, Method = method.Name, Values = list, Mean = list.Average(), HigherIsBetter = higherIsBetter });
        }
        using (var drop = new DropInConfidence().Evaluate(model, input, maps, targets)) Add("drop_in_confidence", drop.Values.Select(v => (double)v), false);
        using (var increase = new IncreaseInConfidence().Evaluate(model, input, maps, targets)) Add("increase_in_confidence", increase.Values.Select(v => (double)v), true);
        using (var imputer = new NoisyLinearImputer(noise: 0))
            Add("road_combined", new RoadCombined(imputer: imputer).Evaluate(model, input, maps, targets, progress).Values.Select(v => (double)v), true);
        var curves = new DeletionInsertionMetric().Evaluate(model, input, maps, targets, progress);
        Add("deletion_auc", curves.DeletionAuc, false);
        Add("insertion_auc", curves.InsertionAuc, true);
        return series;
    }

    /// <summary>
    /// Runs the cascading randomisation check for each method (built per model by <paramref name="methods"/>), plots
    /// Spearman correlation against randomised depth into <paramref name="runDir"/>/<paramref name="figurePath"/>, and
    /// returns the manifest section.
    /// </summary>
    public static SanityCheck Sanity(Module<Tensor, Tensor> model, Func<Module<Tensor, Tensor>> newModel,
        IReadOnlyList<Func<Module<Tensor, Tensor>, CamMethod>> methods, Tensor input, string runDir, string figurePath,
        IProgress<ProgressUpdate>? progress = null)
    {
        var results = methods.Select(m => SharpCam.Metrics.SanityCheck.Run(model, newModel, m, input, progress: progress)).ToList();
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
