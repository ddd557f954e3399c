using SharpCam.Metrics;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Metrics;

/// <summary>Spearman's ρ against scipy.stats.spearmanr (similarity.npz).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class RankCorrelationTests
{
    // Both compute in float64 from the same ranks; only summation order differs.
    /// <summary>
    /// scipy and we both rank and correlate in float64 (u = 2^-53 ≈ 1.1e-16) over up to 224×224 = 50,176 values; the
    /// probabilistic bound of Float32Error in float64, 2 × 8·√50,176·2^-53 ≈ 4e-13 on a correlation in [−1, 1], is within it.
    /// Pure .NET arithmetic: libtorch's CPU kernels play no part.
    /// </summary>
    private const double Tolerance = 1e-12;

    [Fact]
    public void MatchesScipyOnMapsWithTies()
    {
        var reference = MetricsFixture.Reference("similarity.npz");
        var expected = MetricsFixture.Doubles(reference["spearman_f64bits"]);
        for (int i = 0; i < 7; i++)
        {
            var rho = RankCorrelation.Spearman(MetricsFixture.Floats(reference[$"pair{i}_a"]), MetricsFixture.Floats(reference[$"pair{i}_b"]));
            if (double.IsNaN(expected[i])) Assert.True(double.IsNaN(rho), $"pair {i}: scipy gives NaN (a constant map), we give {rho}");
            else Assert.Equal(expected[i], rho, Tolerance);
        }
    }

    [SharedDataFact]
    public void MatchesScipyOn224Maps()
    {
        var reference = MetricsFixture.Reference("similarity.npz");
        var expected = MetricsFixture.Doubles(reference["spearman_f64bits"]);
        var setB = MetricsFixture.SetB();
        Assert.Equal(expected[7], RankCorrelation.Spearman(MetricsFixture.Floats(setB["GradCAM"][0]), MetricsFixture.Floats(setB["ScoreCAM"][0])), Tolerance);
        Assert.Equal(expected[8], RankCorrelation.Spearman(MetricsFixture.Floats(setB["GradCAM"][1]), MetricsFixture.Floats(setB["AblationCAM"][1])), Tolerance);
    }

    [Fact]
    public void TiedValuesShareTheMeanOfTheirRanks()
    {
        Assert.Equal(new[] { 2.0, 4.5, 2.0, 4.5, 2.0, 6.0 }, RankCorrelation.AverageRanks(new float[] { 1, 3, 1, 3, 1, 7 }));
    }
}
