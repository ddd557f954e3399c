using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Guided Grad-CAM against pytorch-grad-cam's example: deprocess_image(cam_mask * gb).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
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
            // x = guided gradient (764-term backward, relative to max|g|) × Grad-CAM map in [0, 1] (CamFixtures' bound, κ of
            // Grad-CAM); |Δx| ≤ max|g|·(ε_g + Δm), taken relative to max|x| as if the map were 1 where the gradient peaks.
            // Deprocess standardises, 0.1·(x − mean)/std + 0.5, which scales an error of x by at most
            // 3 × 0.1·max|x|/std ≤ 3 × 0.5 (the standardised values that are not clipped lie within ±0.5 of 0.5).
            var tolerance = 1.5 * (Float32Error.BetweenRuns(10 + 84 + 120 + 400 + 150) + CamFixtures.LeNetMapTolerance("gradcam"));
            TensorAssert.Close(extras["guided_gradcam_" + key], image, tolerance, "guided_gradcam_" + key);
            // The library's uint8, floor(255 x): a value within the tolerance of a step may land on the other side.
            var bytes = (image * 255).floor();
            TensorAssert.Close(extras["guided_gradcam_u8_" + key], bytes, Math.Floor(255 * tolerance) + 1, "guided_gradcam_u8_" + key);
        }
    }
}
