using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// Seg-Eigen-CAM against pytorch-grad-cam. Its sign rule (larger extreme positive) is deterministic, so no stored
/// singular vector is needed; the tolerance is Eigen-CAM's (Float32Error.Projection: the chain, conditioned by the
/// singular gap), from the reference's own |G| ⊙ A.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class SegEigenCamTests
{
    [SharedDataFact]
    public void LeNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        using var result = new SegEigenCam(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"], CamFixtures.ClassTargets(f["pred"]));
        var contributions = f["GradCAM_grads_pred"].abs() * f["GradCAM_acts_pred"];
        var (projection, map) = Float32Error.Projection(contributions, Float32Error.LeNetToConv4 + Float32Error.LeNetGradientAtConv4);
        TensorAssert.Close(m["SegEigenCAM_raw"], result.RawLayerMaps["conv.4"], projection, "SegEigenCAM_raw");
        TensorAssert.Close(m["SegEigenCAM"], result.Maps, map, "SegEigenCAM");
    }

    [SharedDataFact]
    public void ResNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = CamFixtures.ResNetCams();
        using var model = CamFixtures.ResNet18();
        using var result = new SegEigenCam(model, new[] { "layer4.1" }, CamFixtures.Parity).Explain(f["inputs"], CamFixtures.ClassTargets(f["target_classes"]));
        var contributions = f["GradCAM_grads"].abs() * f["GradCAM_acts"];
        var (projection, _) = Float32Error.Projection(contributions, Float32Error.ForwardChain(model) + 49 + 512);
        TensorAssert.Close(MethodFixtures.ResNet()["SegEigenCAM_raw"], result.RawLayerMaps["layer4.1"], projection, "SegEigenCAM_raw (set B)");
    }
}
