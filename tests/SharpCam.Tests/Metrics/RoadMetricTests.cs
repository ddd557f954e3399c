using SharpCam.Metrics;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

/// <summary>ROAD MoRF/LeRF against pytorch-grad-cam's set C, with the deterministic imputer (noise 0).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class RoadMetricTests
{
    public static TheoryData<double> Percentiles => new() { 20, 40, 50, 60, 80 };

    [SharedDataTheory]
    [MemberData(nameof(Percentiles))]
    public void ScoreChangesMatchPytorchGradCam(double percentile)
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        using var imputer = new NoisyLinearImputer(noise: 0);
        using var morf = new RoadMostRelevantFirst(percentile, imputer).Evaluate(c.Model, c.Images, c.Maps, c.Targets);
        using var lerf = new RoadLeastRelevantFirst(percentile, imputer).Evaluate(c.Model, c.Images, c.Maps, c.Targets);
        TensorAssert.Close(c.Expected[$"road_morf{percentile}"], tensor(morf.Values), MetricsFixture.ScoreTolerance, $"road_morf{percentile}");
        TensorAssert.Close(c.Expected[$"road_lerf{percentile}"], tensor(lerf.Values), MetricsFixture.ScoreTolerance, $"road_lerf{percentile}");
    }

    [SharedDataFact]
    public void KeepMasksMatchTheLibrarysBitForBit()
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        var morf = new RoadMostRelevantFirst(50, new NoisyLinearImputer(0));
        var lerf = new RoadLeastRelevantFirst(50, new NoisyLinearImputer(0));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(MetricsFixture.Floats(c.Expected["road_morf50_keepmask"][i]), morf.KeepMask(c.Maps[i]).Select(k => k ? 1f : 0f));
            Assert.Equal(MetricsFixture.Floats(c.Expected["road_lerf50_keepmask"][i]), lerf.KeepMask(c.Maps[i]).Select(k => k ? 1f : 0f));
        }
    }

    [SharedDataFact]
    public void ImputedImagesMatchScipysSparseSolve()
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        using var result = new RoadMostRelevantFirst(50, new NoisyLinearImputer(0)).Evaluate(c.Model, c.Images, c.Maps, c.Targets);
        // Both solve in float64 far below float32 resolution and round: measured bit-exact; at most one ulp (6e-8 below 1) allowed.
        TensorAssert.Close(c.Expected["road_morf50_images"], result.PerturbedImages[..2], 1.2e-7, "road_morf50_images");
    }

    [SharedDataFact]
    public void AllZeroPercentileImputesTheWholeImageWithZeros()
    {
        // Image 6: 85.7% of its map is exactly 0, so every tested percentile is 0 and MoRF keeps nothing (0 < 0 is false).
        using var scope = NewDisposeScope();
        using var c = new SetC();
        var map = c.Maps[6];
        var morf = new RoadMostRelevantFirst(80, new NoisyLinearImputer(0));
        Assert.DoesNotContain(true, morf.KeepMask(map));
        Assert.Equal(0, morf.Imputer.Impute(c.Images[6], morf.KeepMask(map)).abs().max().item<float>());
        // LeRF keeps exactly the map's positive pixels at every percentile.
        var positive = MetricsFixture.Floats(map).Select(v => v > 0);
        Assert.Equal(positive, new RoadLeastRelevantFirst(20, new NoisyLinearImputer(0)).KeepMask(map));
        Assert.Equal(positive, new RoadLeastRelevantFirst(80, new NoisyLinearImputer(0)).KeepMask(map));
    }

    [Fact]
    public void RejectsPercentilesOutsideZeroToHundred()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoadMostRelevantFirst(120));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoadLeastRelevantFirst(-1));
    }
}
