using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// Random-CAM against pytorch-grad-cam. numpy's stream cannot be replayed, so (1) exact: the reference's seed-0
/// weights fed in; (2) distribution: the mean of 64 seeded maps against the reference's mean over numpy seeds 0…63.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
[Collection(GlobalTorchRandom.Name)]
public class RandomCamTests
{
    /// <summary>
    /// The weights are stored as float64 and read as float32 (relative error u each), then the conv.4 chain (175) and the
    /// sum over 16 channels of both signs: the raw error is relative to S = Σ_c |w_c A_c| (from the reference's weights
    /// and activations); the map's κ = S / R.
    /// </summary>
    [SharedDataFact]
    public void StoredWeightsGiveTheReferenceMaps()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        var weights = m["RandomCAM_seed0_weights"];
        var method = new RandomCam(model, new[] { "conv.4" }, CamFixtures.Parity) { DrawWeights = (_, _, _, _) => weights };
        using var result = method.Explain(f["images"]);
        var chain = Float32Error.LeNetToConv4 + 1 + 16;
        var s = MethodFixtures.TermMagnitude(weights, f["GradCAM_acts_pred"]);
        TensorAssert.Close(m["RandomCAM_seed0_raw"], result.RawLayerMaps["conv.4"], Float32Error.BetweenRuns(chain, s), "RandomCAM_seed0_raw");
        var kappa = MethodFixtures.Kappa(weights, f["GradCAM_acts_pred"], m["RandomCAM_seed0_raw"]);
        TensorAssert.Close(m["RandomCAM_seed0"], result.Maps, Float32Error.NormalisedMap(chain + 4, kappa), "RandomCAM_seed0");
    }

    /// <summary>
    /// Each map lies in [0, 1], so a pixel's variance is at most 1/4 (Popoviciu); a mean of 64 has s.d. ≤ 1/16 and the
    /// difference of two independent 64-seed means s.d. ≤ √2/16 = 0.088. Each pixel is compared at 4 s.d. (0.354), and
    /// the mean absolute difference over all pixels, whose expectation is at most that s.d., within 0.088.
    /// </summary>
    [SharedDataFact]
    public void SeedMeanMatchesTheReferenceDistribution()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        var method = new RandomCam(model, new[] { "conv.4" }, CamFixtures.Parity);
        var sum = zeros(8, 28, 28);
        for (int seed = 0; seed < 64; seed++)
        {
            manual_seed(seed);
            using var result = method.Explain(f["images"]);
            sum += result.Maps;
        }
        var difference = (sum / 64 - MethodFixtures.LeNet()["RandomCAM_mean64"]).abs();
        var sd = Math.Sqrt(2) / 16;
        Assert.True(difference.max().item<float>() <= 4 * sd, $"largest pixel difference {difference.max().item<float>():G4} > 4 s.d. = {4 * sd:G4}");
        Assert.True(difference.mean().item<float>() <= sd, $"mean pixel difference {difference.mean().item<float>():G4} > s.d. = {sd:G4}");
    }
}
