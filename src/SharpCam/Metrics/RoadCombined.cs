using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Metrics;

/// <summary>
/// pytorch-grad-cam's ROADCombined: per image, (mean over p of LeRF(p) − mean over p of MoRF(p)) / 2, the means in
/// float32 as numpy's. Higher is better: removing the least relevant pixels should hurt less than removing the most
/// relevant ones. All percentiles share one imputer (one noise stream), drawn in the library's order: every LeRF
/// percentile, then every MoRF percentile.
/// </summary>
public sealed class RoadCombined
{
    public static readonly IReadOnlyList<double> DefaultPercentiles = new double[] { 10, 20, 30, 40, 50, 60, 70, 80, 90 };

    public RoadCombined(IReadOnlyList<double>? percentiles = null, NoisyLinearImputer? imputer = null)
    {
        Percentiles = percentiles ?? DefaultPercentiles;
        if (Percentiles.Count == 0) throw new ArgumentException("ROADCombined needs at least one percentile.", nameof(percentiles));
        Imputer = imputer ?? new NoisyLinearImputer();
    }

    public IReadOnlyList<double> Percentiles { get; }
    public NoisyLinearImputer Imputer { get; }

    /// <summary>Evaluates a batch (see <see cref="PerturbationConfidenceMetric.Evaluate"/>); reports one step per metric and percentile.</summary>
    public RoadCombinedResult Evaluate(Module<Tensor, Tensor> model, Tensor input, Tensor maps, IReadOnlyList<ICamTarget> targets,
                                       IProgress<ProgressUpdate>? progress = null)
    {
        MetricInputs.Validate(model, input, maps, targets);
        var before = MetricInputs.Scores(model, input, targets);
        long total = 2L * Percentiles.Count, done = 0;
        float[][] Run(Func<double, RoadMetric> create) => Percentiles.Select(p =>
        {
            var metric = create(p);
            using var result = metric.Evaluate(model, input, maps, targets, before, null);
            progress?.Report(new ProgressUpdate("road-combined", ++done, total, metric.Name));
            return result.Values;
        }).ToArray();

        var leastRelevantFirst = Run(p => new RoadLeastRelevantFirst(p, Imputer));
        var mostRelevantFirst = Run(p => new RoadMostRelevantFirst(p, Imputer));
        var values = new float[input.shape[0]];
        for (int i = 0; i < values.Length; i++)
            values[i] = (MeanOverPercentiles(leastRelevantFirst, i) - MeanOverPercentiles(mostRelevantFirst, i)) / 2;
        return new RoadCombinedResult(Percentiles, mostRelevantFirst, leastRelevantFirst, values);
    }

    private static float MeanOverPercentiles(float[][] scores, int image)
    {
        float sum = 0;
        foreach (var perPercentile in scores) sum += perPercentile[image];
        return sum / scores.Length;
    }
}

/// <summary>
/// ROADCombined on one batch. <see cref="MostRelevantFirst"/>[k][i] and <see cref="LeastRelevantFirst"/>[k][i] are
/// image i's score changes at <see cref="Percentiles"/>[k]; <see cref="Values"/>[i] is the combined score.
/// </summary>
public sealed record RoadCombinedResult(IReadOnlyList<double> Percentiles, float[][] MostRelevantFirst, float[][] LeastRelevantFirst, float[] Values)
{
    public double Mean => Values.Average(v => (double)v);
}
