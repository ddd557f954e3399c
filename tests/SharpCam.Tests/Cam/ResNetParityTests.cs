using SharpCam.Cam;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Loads set B's ResNet-18 once for the class (46 MB of weights).</summary>
public sealed class ResNetFixture : IDisposable
{
    public ResNetFixture()
    {
        if (SharedData.Root is null) return;
        Model = CamFixtures.ResNet18();
        F = CamFixtures.ResNetCams();
    }

    public TorchSharp.Modules.ResNet? Model { get; }
    public Dictionary<string, Tensor> F { get; } = new();
    public void Dispose() => Model?.Dispose();
}

/// <summary>
/// Set B: torchvision resnet18 with random weights, 2 random inputs, fixed targets [1, 500] (image 1's target logit is
/// negative), target layer layer4.1 (= layer4[-1]). Tolerances: <see cref="Float32Error"/> over the whole forward chain
/// (every convolution's and the fc's fan-in, ≈ 35,800 terms: the probabilistic bound 8√n·u ≈ 9e-5 relative), and for
/// the [0, 1] maps κ of set B (tests/fixtures/cams/cam_conditioning.py, from PyTorch's own activations and gradients in
/// the fixture): random weights give channel contributions of both signs that nearly cancel, κ = 32 for Grad-CAM,
/// HiResCAM and XGradCAM (layer4's gradient is spatially constant: the average pool's), 1.69 for Grad-CAM++, 1 for
/// LayerCAM, and 447 for Ablation-CAM, whose derived tolerance (≈ 0.3) is too wide to test it on these maps.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ResNetParityTests(ResNetFixture fixture) : IClassFixture<ResNetFixture>
{
    private static readonly string[] Layer4 = { "layer4.1" };

    /// <summary>The forward chain, plus the spatial mean over 7×7, the sum over 512 channels and the bilinear upsampling.</summary>
    private int Chain => Float32Error.ForwardChain(fixture.Model!) + 49 + 512 + 4;

    private double MapTolerance(double kappa) => Float32Error.NormalisedMap(Chain, kappa);

    private IReadOnlyList<ICamTarget> Targets => CamFixtures.ClassTargets(fixture.F["target_classes"]);

    [SharedDataFact]
    public void LogitsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        TensorAssert.LogitsClose(fixture.F["logits"], fixture.Model!.call(fixture.F["inputs"]), fixture.Model, "resnet18");
    }

    [SharedDataTheory]
    [InlineData("gradcam", "GradCAM", 32.06)]
    [InlineData("hirescam", "HiResCAM", 32.06)]
    [InlineData("gradcam++", "GradCAMPlusPlus", 1.69)]
    [InlineData("xgradcam", "XGradCAM", 32.06)]
    [InlineData("layercam", "LayerCAM", 1)]
    [InlineData("ablationcam", "AblationCAM", 447.05)]
    public void MapsMatchPytorchGradCam(string method, string reference, double kappa)
    {
        var tolerance = MapTolerance(kappa);
        using var scope = NewDisposeScope();
        using var result = CamMethods.Create(method, fixture.Model!, Layer4, CamFixtures.Parity).Explain(fixture.F["inputs"], Targets);
        TensorAssert.Close(fixture.F[reference], result.Maps, tolerance, reference);
    }

    [SharedDataFact]
    public void GradCamInternalsMatch()
    {
        using var scope = NewDisposeScope();
        using var result = new GradCam(fixture.Model!, Layer4, CamFixtures.Parity).Explain(fixture.F["inputs"], Targets);
        // The raw map before normalisation: relative to S = Σ_c |w_c A_c| ≤ 0.58, from the fixture's own weights and activations.
        var contributions = (fixture.F["GradCAM_weights"].view(2, 512, 1, 1) * fixture.F["GradCAM_acts"]).abs().sum(1);
        TensorAssert.Close(fixture.F["GradCAM_raw"], result.RawLayerMaps["layer4.1"], Float32Error.BetweenRuns(Chain, contributions.max().item<float>()), "GradCAM_raw");
    }

    [SharedDataFact]
    public void TwoLayersAreFusedAsPytorchGradCamDoes()
    {
        using var scope = NewDisposeScope();
        using var result = new GradCam(fixture.Model!, new[] { "layer3.1", "layer4.1" }, CamFixtures.Parity).Explain(fixture.F["inputs"], Targets);
        // Each layer's map within its Grad-CAM tolerance; the fused map is their mean, renormalised (κ of layer3.1 is
        // taken to be layer4.1's).
        TensorAssert.Close(fixture.F["GradCAM_multi"], result.Maps, 2 * MapTolerance(32.06), "GradCAM_multi");
        Assert.Equal(new long[] { 2, 14, 14 }, result.LayerMaps["layer3.1"].shape);
    }

    [SharedDataFact]
    public void EigenCamMatchesWithTheReferenceSingularVectorSign()
    {
        using var scope = NewDisposeScope();
        using var result = new EigenCam(fixture.Model!, Layer4, CamFixtures.Parity).Explain(fixture.F["inputs"]);
        var aligned = CamFixtures.AlignSigns(result.RawLayerMaps["layer4.1"], fixture.F["EigenCAM_raw"]);
        // The forward chain, conditioned by the singular gap of the fixture's own layer4 activations.
        var (projection, map) = Float32Error.Projection(fixture.F["GradCAM_acts"], Chain);
        TensorAssert.Close(fixture.F["EigenCAM_raw"], aligned, projection, "EigenCAM_raw");
        var maps = CamMethod.FuseLayerMaps(new Dictionary<string, Tensor> { ["layer4.1"] = aligned }, new long[] { 224, 224 }, MapNormalization.MinMax).Maps;
        TensorAssert.Close(fixture.F["EigenCAM"], maps, map, "EigenCAM");
    }

    /// <summary>
    /// The expensive one: 512 masked forwards of ResNet-18 at 224×224, so image 0 only (about 10 s on 2 idle cores;
    /// filter it out with Cost!=Expensive).
    /// </summary>
    [SharedDataFact]
    [Trait("Cost", "Expensive")]
    public void ScoreCamMatchesOnTheFirstImage()
    {
        using var scope = NewDisposeScope();
        var options = CamFixtures.Parity with { BatchSize = 32 };
        using var result = new ScoreCam(fixture.Model!, Layer4, options).Explain(fixture.F["inputs"][..1], Targets.Take(1).ToList());
        // Soft-max weights are positive: κ = 1; the masked inputs run the whole forward chain.
        TensorAssert.Close(fixture.F["ScoreCAM"][..1], result.Maps, MapTolerance(1), "ScoreCAM image 0");
    }

    /// <summary>Faster Score-CAM: 32 of 512 channels keep the exact map's pixel ranking (ρ ≥ 0.9; measured 0.98, 0.975).</summary>
    [SharedDataFact]
    public void TopChannelScoreCamKeepsTheRanking()
    {
        using var scope = NewDisposeScope();
        var options = CamFixtures.Parity with { TopChannels = 32 };
        using var result = new ScoreCam(fixture.Model!, Layer4, options).Explain(fixture.F["inputs"], Targets);
        for (int i = 0; i < 2; i++)
        {
            var rho = CamFixtures.Spearman(fixture.F["ScoreCAM"][i], result.Maps[i]);
            Assert.True(rho >= 0.9, $"image {i}: Spearman ρ = {rho:F3} < 0.9");
        }
    }
}
