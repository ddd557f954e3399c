using SharpCam.Metrics;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

public class RoadCombinedTests
{
    [SharedDataFact]
    public void MatchesPytorchGradCamWithoutNoise()
    {
        using var scope = NewDisposeScope();
        var cams = LeNetFixture.Cams();
        var expected = MetricsFixture.Metrics();
        using var model = LeNetFixture.Model();
        var progress = new ProgressLog();
        var result = new RoadCombined(new double[] { 20, 40, 60, 80 }, new NoisyLinearImputer(0))
            .Evaluate(model, cams["images"], cams["GradCAM_pred"], MetricsFixture.PredictedTargets(cams), progress);

        TensorAssert.Close(expected["road_combined"], tensor(result.Values), MetricsFixture.ScoreTolerance, "road_combined");
        TensorAssert.Close(expected["road_lerf40"], tensor(result.LeastRelevantFirst[1]), MetricsFixture.ScoreTolerance, "road_lerf40");
        TensorAssert.Close(expected["road_morf80"], tensor(result.MostRelevantFirst[3]), MetricsFixture.ScoreTolerance, "road_morf80");
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), progress.Reports.Select(r => r.Done));
        Assert.Equal("road-lerf-20", progress.Reports[0].Status);
        Assert.Equal("road-morf-80", progress.Reports[^1].Status);
    }

    [SharedDataFact]
    public void DefaultNoiseSeededLikeTorchManualSeedReproducesTheLibrarysNoisyRun()
    {
        // The fixture's noisy run used torch.manual_seed(0) and the default noise 0.01; our private generator with seed 0
        // draws the same float32 normals in the same order (every LeRF percentile, then every MoRF one).
        using var scope = NewDisposeScope();
        var cams = LeNetFixture.Cams();
        var expected = MetricsFixture.Metrics();
        using var model = LeNetFixture.Model();
        using var imputer = new NoisyLinearImputer(NoisyLinearImputer.DefaultNoise, seed: 0);
        var result = new RoadCombined(new double[] { 20, 40, 60, 80 }, imputer)
            .Evaluate(model, cams["images"], cams["GradCAM_pred"], MetricsFixture.PredictedTargets(cams));
        TensorAssert.Close(expected["road_combined_noise001_seed0"], tensor(result.Values), MetricsFixture.ScoreTolerance, "road_combined_noise001_seed0");
    }
}
