using SharpCam.Cam;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Finer-CAM (base Grad-CAM, α = 1, 3 comparison classes) against pytorch-grad-cam's.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class FinerCamTests
{
    /// <summary>
    /// Classes must be equal (the 4 closest logits are far apart compared with the logits' error). The target value:
    /// the logits' error (LogitsClose's chain, 635) relative to the largest |logit| term (the softmax-weighted
    /// differences are bounded by twice it). The raw map is Grad-CAM's chain plus the softmax's 10 terms and the
    /// weighted sum over 3 classes, relative to S = Σ_c |w_c A_c| from the reference's weights; κ = S / R.
    /// </summary>
    [SharedDataFact]
    public void LeNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        using var result = new FinerCam(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"]);
        Assert.Equal(m["FinerCAM_main"].data<long>().ToArray(), result.Targets.Select(t => (long)t.ClassIndex!.Value).ToArray());
        var finer = result.Targets.Cast<FinerTarget>().ToList();
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(m["FinerCAM_comparison"][i].data<long>().ToArray(), finer[i].ComparisonClasses(result.Logits[i]));
            var value = finer[i].Score(result.Logits[i]).item<float>();
            var tolerance = 2 * Float32Error.BetweenRuns(Float32Error.LeNetLogits, result.Logits[i].abs().max().item<float>());
            Assert.True(Math.Abs(value - m["FinerCAM_target"][i].item<float>()) <= tolerance, $"image {i}: Finer target {value} vs {m["FinerCAM_target"][i].item<float>()}");
        }
        var chain = Float32Error.LeNetConv4Map + 10 + 3;
        var s = MethodFixtures.TermMagnitude(m["FinerCAM_weights"], f["GradCAM_acts_pred"]);
        TensorAssert.Close(m["FinerCAM_raw"], result.RawLayerMaps["conv.4"], Float32Error.BetweenRuns(chain, s), "FinerCAM_raw");
        var kappa = MethodFixtures.Kappa(m["FinerCAM_weights"], f["GradCAM_acts_pred"], m["FinerCAM_raw"]);
        TensorAssert.Close(m["FinerCAM"], result.Maps, Float32Error.NormalisedMap(chain + 4, kappa), "FinerCAM");
    }

    [SharedDataFact]
    public void ResNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = CamFixtures.ResNetCams();
        var m = MethodFixtures.ResNet();
        using var model = CamFixtures.ResNet18();
        using var result = new FinerCam(model, new[] { "layer4.1" }, CamFixtures.Parity).Explain(f["inputs"]);
        Assert.Equal(m["FinerCAM_main"].data<long>().ToArray(), result.Targets.Select(t => (long)t.ClassIndex!.Value).ToArray());
        var finer = result.Targets.Cast<FinerTarget>().ToList();
        for (int i = 0; i < 2; i++)
            Assert.Equal(m["FinerCAM_comparison"][i].data<long>().ToArray(), finer[i].ComparisonClasses(result.Logits[i]));
        var chain = Float32Error.ForwardChain(model) + 49 + 512 + 10 + 3;
        var s = MethodFixtures.TermMagnitude(m["FinerCAM_weights"], f["GradCAM_acts"]);
        TensorAssert.Close(m["FinerCAM_raw"], result.RawLayerMaps["layer4.1"], Float32Error.BetweenRuns(chain, s), "FinerCAM_raw (set B)");
    }
}
