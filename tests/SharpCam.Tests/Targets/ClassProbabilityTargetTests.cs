using SharpCam.Cam;
using SharpCam.Targets;
using SharpCam.Tests.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Targets;

/// <summary>The soft-max probability target against pytorch-grad-cam's ClassifierOutputSoftmaxTarget.</summary>
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
        TensorAssert.Close(expected, result.Maps, 1e-5, "softmax_gradcam_A2_true");
        // Not the logit's map: the probability explains the class against the others.
        Assert.True((expected - f["GradCAM_true"]).abs().max().item<float>() > 0.05f);
    }
}
