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
/// negative), target layer layer4.1 (= layer4[-1]). The fixtures README suggests 1e-3 on [0, 1] maps; measured
/// differences are ≤ 1.2e-6 (Ablation-CAM 5e-5: its weights (s − s_c)/s subtract nearly equal scores), so the tests
/// allow 1e-5 (Ablation-CAM 5e-4).
/// </summary>
public class ResNetParityTests(ResNetFixture fixture) : IClassFixture<ResNetFixture>
{
    private static readonly string[] Layer4 = { "layer4.1" };

    private IReadOnlyList<ICamTarget> Targets => CamFixtures.ClassTargets(fixture.F["target_classes"]);

    [SharedDataFact]
    public void LogitsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Logits up to 5.9 after 18 float32 layers: 1e-4.
        TensorAssert.Close(fixture.F["logits"], fixture.Model!.call(fixture.F["inputs"]), 1e-4, "logits");
    }

    [SharedDataTheory]
    [InlineData("gradcam", "GradCAM", 1e-5)]
    [InlineData("hirescam", "HiResCAM", 1e-5)]
    [InlineData("gradcam++", "GradCAMPlusPlus", 1e-5)]
    [InlineData("xgradcam", "XGradCAM", 1e-5)]
    [InlineData("layercam", "LayerCAM", 1e-5)]
    [InlineData("ablationcam", "AblationCAM", 5e-4)]
    public void MapsMatchPytorchGradCam(string method, string reference, double tolerance)
    {
        using var scope = NewDisposeScope();
        using var result = CamMethods.Create(method, fixture.Model!, Layer4, CamFixtures.Parity).Explain(fixture.F["inputs"], Targets);
        TensorAssert.Close(fixture.F[reference], result.Maps, tolerance, reference);
    }

    [SharedDataFact]
    public void GradCamInternalsMatch()
    {
        using var scope = NewDisposeScope();
        using var result = new GradCam(fixture.Model!, Layer4, CamFixtures.Parity).Explain(fixture.F["inputs"], Targets);
        // The raw map spans ±0.05 (sums of 512 products of ~1e-3 × ~1): 1e-5.
        TensorAssert.Close(fixture.F["GradCAM_raw"], result.RawLayerMaps["layer4.1"], 1e-5, "GradCAM_raw");
    }

    [SharedDataFact]
    public void TwoLayersAreFusedAsPytorchGradCamDoes()
    {
        using var scope = NewDisposeScope();
        using var result = new GradCam(fixture.Model!, new[] { "layer3.1", "layer4.1" }, CamFixtures.Parity).Explain(fixture.F["inputs"], Targets);
        TensorAssert.Close(fixture.F["GradCAM_multi"], result.Maps, 1e-5, "GradCAM_multi");
        Assert.Equal(new long[] { 2, 14, 14 }, result.LayerMaps["layer3.1"].shape);
    }

    [SharedDataFact]
    public void EigenCamMatchesWithTheReferenceSingularVectorSign()
    {
        using var scope = NewDisposeScope();
        using var result = new EigenCam(fixture.Model!, Layer4, CamFixtures.Parity).Explain(fixture.F["inputs"]);
        var aligned = CamFixtures.AlignSigns(result.RawLayerMaps["layer4.1"], fixture.F["EigenCAM_raw"]);
        // Projections reach ±40: 1e-4 absolute (measured 2.3e-5).
        TensorAssert.Close(fixture.F["EigenCAM_raw"], aligned, 1e-4, "EigenCAM_raw");
        var maps = CamMethod.FuseLayerMaps(new Dictionary<string, Tensor> { ["layer4.1"] = aligned }, new long[] { 224, 224 }, MapNormalization.MinMax).Maps;
        TensorAssert.Close(fixture.F["EigenCAM"], maps, 1e-5, "EigenCAM");
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
        TensorAssert.Close(fixture.F["ScoreCAM"][..1], result.Maps, 1e-5, "ScoreCAM image 0");
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
