using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// The SVD-based maps (Eigen-CAM, EigenGrad-CAM, Grad-CAM with eigen-smooth) against pytorch-grad-cam. The sign of a
/// singular vector is arbitrary, so each test aligns ours with the reference's (numpy's Vᵀ[0], stored as *_vt0)
/// before steps 3–4; the product keeps its own sign rule (EigenProjection).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class EigenCamTests
{
    private static readonly long[] Size = { 28, 28 };

    /// <summary>Our raw projection, sign-aligned to the reference projection, through steps 3–4.</summary>
    private static Tensor AlignedMaps(CamResult result, Tensor referenceProjection, double rawTolerance, string what)
        => AlignedMaps(result, referenceProjection, rawTolerance, what, out _);

    private static Tensor AlignedMaps(CamResult result, Tensor referenceProjection, double rawTolerance, string what, out Tensor aligned)
    {
        aligned = CamFixtures.AlignSigns(result.RawLayerMaps["conv.4"], referenceProjection);
        TensorAssert.Close(referenceProjection, aligned, rawTolerance, what + " projection");
        return CamMethod.FuseLayerMaps(new Dictionary<string, Tensor> { ["conv.4"] = aligned }, Size, MapNormalization.MinMax).Maps;
    }

    [SharedDataFact]
    public void EigenCamMatchesAndIgnoresTheTarget()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var result = new EigenCam(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"], CamFixtures.ClassTargets(f["pred"]));
        // The activations' chain (175), conditioned by their singular gap (Float32Error.Projection, from the fixture's own activations).
        var (projection, map) = Float32Error.Projection(f["GradCAM_acts_pred"], Float32Error.LeNetToConv4);
        var maps = AlignedMaps(result, f["EigenCAM_raw"], projection, "EigenCAM");
        TensorAssert.Close(f["EigenCAM_pred"], maps, map, "EigenCAM_pred");
        TensorAssert.Close(f["EigenCAM_true"], maps, map, "EigenCAM_true");
    }

    [SharedDataFact]
    public void EigenGradCamMatches()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var result = new EigenGradCam(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"], CamFixtures.ClassTargets(f["pred"]));
        var contributions = f["GradCAM_grads_pred"] * f["GradCAM_acts_pred"];
        var reference = CamFixtures.ReferenceProjection(contributions, f["EigenGradCAM_vt0_pred"]);
        // Activations times gradients: both chains (175 + 214), conditioned by the product's singular gap.
        var (projection, map) = Float32Error.Projection(contributions, Float32Error.LeNetToConv4 + Float32Error.LeNetGradientAtConv4);
        var maps = AlignedMaps(result, reference, projection, "EigenGradCAM");
        TensorAssert.Close(f["EigenGradCAM_pred"], maps, map, "EigenGradCAM_pred");
    }

    [SharedDataFact]
    public void GradCamEigenSmoothMatches()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        var options = CamFixtures.Parity with { EigenSmooth = true };
        using var result = new GradCam(model, new[] { "conv.4" }, options).Explain(f["images"], CamFixtures.ClassTargets(f["pred"]));
        var weighted = f["GradCAM_weights_pred"].unsqueeze(-1).unsqueeze(-1) * f["GradCAM_acts_pred"];
        var reference = CamFixtures.ReferenceProjection(weighted, f["GradCAM_eigensmooth_vt0_pred"]);
        // Grad-CAM's weighted activations: its chain without the channel sum, conditioned by their singular gap.
        var (projection, map) = Float32Error.Projection(weighted, Float32Error.LeNetConv4Map - 16);
        var maps = AlignedMaps(result, reference, projection, "GradCAM eigen-smooth");
        TensorAssert.Close(f["GradCAM_eigensmooth_pred"], maps, map, "GradCAM_eigensmooth_pred");
    }

    /// <summary>
    /// Set A′ stores no singular vectors, so each image's map must match the reference for one of the two signs; the
    /// two candidates are entirely different maps (ReLU keeps opposite halves), so this still pins the method down.
    /// </summary>
    [SharedDataTheory]
    [InlineData("eigencam", "EigenCAM", false)]
    [InlineData("eigengradcam", "EigenGradCAM", false)]
    [InlineData("gradcam", "GradCAM_eigensmooth", true)]
    public void MisclassifiedSetMatchesUpToTheSingularVectorSign(string method, string reference, bool eigenSmooth)
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Misclassified();
        using var model = LeNetFixture.Model();
        var cam = CamMethods.Create(method, model, new[] { "conv.4" }, CamFixtures.Parity with { EigenSmooth = eigenSmooth });
        foreach (var (suffix, classes) in new[] { ("pred", f["pred"]), ("true", f["labels"]) })
        {
            using var result = cam.Explain(f["images"], CamFixtures.ClassTargets(classes));
            var raw = result.RawLayerMaps["conv.4"];
            var errors = new[] { raw, -raw }.Select(r =>
            {
                var maps = CamMethod.FuseLayerMaps(new Dictionary<string, Tensor> { ["conv.4"] = r }, Size, MapNormalization.MinMax).Maps;
                return (maps - f[$"{reference}_{suffix}"]).abs().amax(new long[] { 1, 2 });
            }).ToList();
            var best = minimum(errors[0], errors[1]).max().item<float>();
            // Set A′ stores no activations: the conditioning comes from our own (first order, the same).
            var (contributions, chain) = Contributions(model, f["images"], classes, method, eigenSmooth);
            var tolerance = Float32Error.Projection(contributions, chain).Map;
            Assert.True(best <= tolerance, $"{reference}_{suffix}: max abs difference {best:G3} for the better sign exceeds {tolerance:G3}");
        }
    }

    /// <summary>
    /// What each Eigen variant projects, [N, 16, 8, 8] at conv.4, from LeNet's own layers: activations (eigencam),
    /// activations × the target's gradients (eigengradcam), or × their spatial means (Grad-CAM's eigen-smooth); and the
    /// chain length of those values.
    /// </summary>
    private static (Tensor Contributions, int Chain) Contributions(SharpCam.Models.LeNet model, Tensor images, Tensor classes, string method, bool eigenSmooth)
    {
        var layers = model.named_modules().ToDictionary(m => m.name, m => (TorchSharp.torch.nn.Module<Tensor, Tensor>)m.module);
        Tensor Through(Tensor x, params string[] names) => names.Aggregate(x, (t, name) => layers[name].call(t));
        Tensor acts;
        using (no_grad()) acts = Through(images, "conv.0", "conv.1", "conv.2", "conv.3", "conv.4");
        if (method == "eigencam") return (acts, Float32Error.LeNetToConv4);
        var leaf = acts.detach().requires_grad_();
        var logits = Through(Through(leaf, "conv.5").flatten(1), "fc.0", "fc.1", "fc.2", "fc.3", "fc.4");
        var gradients = autograd.grad([logits.gather(1, classes.unsqueeze(1)).sum()], [leaf])[0];
        return eigenSmooth
            ? (gradients.mean([2, 3], keepdim: true) * acts, Float32Error.LeNetConv4Map - 16)
            : (gradients * acts, Float32Error.LeNetToConv4 + Float32Error.LeNetGradientAtConv4);
    }
}
