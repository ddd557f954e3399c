using System.Globalization;
using static TorchSharp.torch;

namespace SharpCam.Metrics;

/// <summary>
/// ROAD, RemOve And Debias (Rong et al., 2022, "A Consistent and Efficient Evaluation Strategy for Attribution
/// Methods"), as pytorch-grad-cam computes it: remove a share of the pixels ranked by the map, fill them with
/// <see cref="NoisyLinearImputer"/>, and report score(imputed) − score(original).
/// </summary>
/// <remarks>
/// Which pixels are kept, exactly as the library: rank the map's values v (float32), t = numpy.percentile(v, p)
/// (<see cref="Percentile.Linear"/>, float64), rounded to float32 because torch compares the float32 tensor with it,
/// keep v &lt; t. Ties therefore go to the removed side: a map whose p-th percentile is 0 keeps none of its zeros.
/// </remarks>
public abstract class RoadMetric : PerturbationConfidenceMetric
{
    private protected RoadMetric(double percentile, NoisyLinearImputer? imputer)
    {
        if (!(percentile is >= 0 and <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "ROAD percentiles lie in [0, 100].");
        Percentile = percentile;
        Imputer = imputer ?? new NoisyLinearImputer();
    }

    /// <summary>The percentile p of the ranking values below which pixels are kept.</summary>
    public double Percentile { get; }

    public NoisyLinearImputer Imputer { get; }

    /// <summary>The values whose low end is kept: the map itself (MoRF) or 1 − map (LeRF), float32.</summary>
    private protected abstract float RankingValue(float mapValue);

    private protected abstract string ShortName { get; }

    public override string Name => $"road-{ShortName}-{Percentile.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Which pixels of one map [H, W] stay (row-major); the others are imputed.</summary>
    public bool[] KeepMask(Tensor map)
    {
        if (map.dim() != 2) throw new ArgumentException($"Expected one map [H, W]; got shape [{string.Join(", ", map.shape)}].", nameof(map));
        var values = MetricInputs.Pixels(map).Select(RankingValue).ToArray();
        var threshold = (float)Metrics.Percentile.Linear(values, Percentile);
        return values.Select(v => v < threshold).ToArray();
    }

    protected override Tensor Perturb(Tensor image, Tensor map) => Imputer.Impute(image, KeepMask(map));
}

/// <summary>ROAD, most relevant first: imputes the pixels at or above the map's p-th percentile (a good map makes the score drop).</summary>
public sealed class RoadMostRelevantFirst(double percentile = 80, NoisyLinearImputer? imputer = null) : RoadMetric(percentile, imputer)
{
    private protected override float RankingValue(float mapValue) => mapValue;
    private protected override string ShortName => "morf";
}

/// <summary>ROAD, least relevant first: imputes the pixels at or above the p-th percentile of 1 − map (a good map keeps the score).</summary>
public sealed class RoadLeastRelevantFirst(double percentile = 20, NoisyLinearImputer? imputer = null) : RoadMetric(percentile, imputer)
{
    private protected override float RankingValue(float mapValue) => 1 - mapValue;
    private protected override string ShortName => "lerf";
}
