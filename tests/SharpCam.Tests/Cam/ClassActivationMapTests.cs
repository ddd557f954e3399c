using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>CAM (fc weights) against torch-cam on set B (LeNet has no global-pooling head).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ClassActivationMapTests
{
    /// <summary>
    /// The weights are the fc rows themselves (exact). The raw map: layer4's activations (the forward chain up to the
    /// fc, taken as the whole chain: an overestimate) and the sum over 512 channels of both signs, relative to
    /// S = Σ_c |w_c A_c|; torch-cam normalises it without a ReLU, so κ = S / (max − min) of the raw map.
    /// </summary>
    [SharedDataFact]
    public void ResNetMatchesTorchCam()
    {
        using var scope = NewDisposeScope();
        var f = CamFixtures.ResNetCams();
        var m = MethodFixtures.ResNet();
        using var model = CamFixtures.ResNet18();
        using var result = new ClassActivationMap(model, new[] { "layer4.1" }, CamFixtures.Parity).Explain(f["inputs"], CamFixtures.ClassTargets(f["target_classes"]));
        TensorAssert.Close(m["tc_CAM_weights"], model.modules().OfType<TorchSharp.Modules.Linear>().Last().weight!.detach().index_select(0, f["target_classes"]), 0, "tc_CAM_weights");
        var raw = result.RawLayerMaps["layer4.1"];
        var chain = Float32Error.ForwardChain(model) + 512;
        var s = MethodFixtures.TermMagnitude(m["tc_CAM_weights"], f["GradCAM_acts"]);
        var reference = (m["tc_CAM_weights"].unsqueeze(-1).unsqueeze(-1) * f["GradCAM_acts"]).sum(1);
        TensorAssert.Close(reference, raw, Float32Error.BetweenRuns(chain, s), "CAM raw");
        var flat = reference.flatten(1).to(ScalarType.Float64);
        var range = (flat.amax(new long[] { 1 }) - flat.amin(new long[] { 1 })).min().item<double>();
        TensorAssert.Close(m["tc_CAM"], MethodFixtures.TorchCamNormalise(raw), Float32Error.NormalisedMap(chain, s / range), "tc_CAM");
    }

    [SharedDataFact]
    public void LeNetFailsWithTheReasonAndTheFix()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        var error = Assert.Throws<ArgumentException>(() => new ClassActivationMap(model, new[] { "conv.4" }).Explain(f["images"]));
        Assert.Contains("16 channels but the last Linear layer takes 84 inputs", error.Message);
    }
}
