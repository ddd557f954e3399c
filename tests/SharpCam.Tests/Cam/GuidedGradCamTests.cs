using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Guided Grad-CAM against pytorch-grad-cam's example: deprocess_image(cam_mask * gb).</summary>
public class GuidedGradCamTests
{
    [SharedDataFact]
    public void DeprocessedAttributionsMatchTheLibraryExample()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var extras = CamFixtures.Extras();
        var method = new GuidedGradCam(model, new[] { "conv.4" }, CamFixtures.Parity);
        foreach (var (set, f, suffix, classes) in CamFixtures.LeNetCases().Where(c => c.Set == "A'" || c.Suffix == "pred"))
        {
            var key = (set == "A" ? "A_" : "A2_") + suffix;
            using var result = method.Explain(f["images"], CamFixtures.ClassTargets(classes));
            var image = GuidedBackprop.Deprocess(result.InputAttributions!).permute(0, 2, 3, 1);
            // Values in [0, 1] after a standardisation by the image's std: 1e-5.
            TensorAssert.Close(extras["guided_gradcam_" + key], image, 1e-5, "guided_gradcam_" + key);
            // The library's uint8: floor(255 x); a value within 1e-5 of a step may land on the other side, never further.
            var bytes = (image * 255).floor();
            TensorAssert.Close(extras["guided_gradcam_u8_" + key], bytes, 1, "guided_gradcam_u8_" + key);
            Assert.True((bytes != extras["guided_gradcam_u8_" + key]).sum().item<long>() <= 4, "more than 4 bytes differ");
        }
    }
}
