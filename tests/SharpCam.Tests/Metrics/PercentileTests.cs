using SharpCam.Metrics;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Metrics;

/// <summary>numpy.percentile (linear) bit for bit: ROAD's keep-masks hinge on the exact threshold.</summary>
public class PercentileTests
{
    [Fact]
    public void MatchesNumpyExactlyIncludingTies()
    {
        var reference = MetricsFixture.Reference("similarity.npz");
        var percentiles = MetricsFixture.Doubles(reference["percentiles_f64bits"]);
        for (int a = 0; a < 4; a++)   // set A maps (86% zeros), 1 − map, five-valued ties, 1001 random values
        {
            var values = MetricsFixture.Floats(reference[$"percentile{a}_values"]);
            var expected = MetricsFixture.Doubles(reference[$"percentile{a}_f64bits"]);
            Assert.Equal(expected, percentiles.Select(p => Percentile.Linear(values, p)));
        }
    }

    [SharedDataFact]
    public void MatchesNumpyExactlyOnA224Map()
    {
        var reference = MetricsFixture.Reference("similarity.npz");
        var values = MetricsFixture.Floats(MetricsFixture.SetB()["GradCAM"][0]);
        Assert.Equal(MetricsFixture.Doubles(reference["percentile4_f64bits"]),
                     MetricsFixture.Doubles(reference["percentiles_f64bits"]).Select(p => Percentile.Linear(values, p)));
    }

    [Fact]
    public void RejectsEmptyInputAndPercentilesOutsideZeroToHundred()
    {
        Assert.Throws<ArgumentException>(() => Percentile.Linear(Array.Empty<float>(), 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Linear(new float[] { 1 }, 100.5));
    }
}
