using SharpCam.Cam;
using SharpCam.Targets;
using SharpCam.Tests.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Targets;

/// <summary>The soft-max probability target against pytorch-grad-cam's ClassifierOutputSoftmaxTarget.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ClassProbabilityTargetTests
{
    [SharedDataFact]
    public void GradCamOfTheTrueClassProbabilityMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Misclassified();
        using var model = LeNetFixture.Model();
        var targets = f["labels"].data<long>().Select(c => (ICamTarget)new ClassProbabilityTarget((int)c)).ToList();
        using var result = new GradCam(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"], targets);
        var expected = CamFixtures.Extras()["softmax_gradcam_A2_true"];
        // The logit chain plus the soft-max (a sum of 10 exponentials); κ = 30.56 for the probability's Grad-CAM on set A′
        // (tests/fixtures/cams/cam_conditioning.py).
        TensorAssert.Close(expected, result.Maps, Float32Error.NormalisedMap(Float32Error.LeNetConv4Cam + 10, 30.56), "softmax_gradcam_A2_true");
        // Not the logit's map: the probability explains the class against the others.
        Assert.True((expected - f["GradCAM_true"]).abs().max().item<float>() > 0.05f);
    }
}
