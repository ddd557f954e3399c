using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// Faster Score-CAM (the top-k channels by mean absolute activation) against pytorch-grad-cam's exact Score-CAM maps.
/// Set B (32 of 512 channels) is in <see cref="ResNetParityTests"/>.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ScoreCamTests
{
    /// <summary>LeNet's conv.4 has only 16 channels, so k = 12 (measured: ρ ≥ 0.92 on every image of sets A and A′).</summary>
    [SharedDataFact]
    public void TopChannelsKeepTheExactMapsRanking()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var cam = new ScoreCam(model, new[] { "conv.4" }, CamFixtures.Parity with { TopChannels = 12 });
        foreach (var (set, f, suffix, classes) in CamFixtures.LeNetCases())
        {
            using var result = cam.Explain(f["images"], CamFixtures.ClassTargets(classes));
            for (int i = 0; i < 8; i++)
            {
                var rho = CamFixtures.Spearman(f["ScoreCAM_" + suffix][i], result.Maps[i]);
                Assert.True(rho >= 0.9, $"set {set} {suffix} image {i}: Spearman ρ = {rho:F3} < 0.9");
            }
        }
    }

    [SharedDataFact]
    public void AsManyTopChannelsAsTheLayerHasIsExact()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var result = new ScoreCam(model, new[] { "conv.4" }, CamFixtures.Parity with { TopChannels = 16 }).Explain(f["images"], CamFixtures.ClassTargets(f["pred"]));
        TensorAssert.Close(f["ScoreCAM_pred"], result.Maps, CamFixtures.LeNetMapTolerance("scorecam"), "ScoreCAM_pred with TopChannels = 16");
    }

    [SharedDataFact]
    public void FewerChannelsChangeTheMap()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var result = new ScoreCam(model, new[] { "conv.4" }, CamFixtures.Parity with { TopChannels = 4 }).Explain(f["images"], CamFixtures.ClassTargets(f["pred"]));
        Assert.True((f["ScoreCAM_pred"] - result.Maps).abs().max().item<float>() > 0.01f, "4 of 16 channels should not give the exact map");
    }
}
