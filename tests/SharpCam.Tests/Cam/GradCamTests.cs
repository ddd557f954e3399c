using SharpCam.Cam;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Grad-CAM against pytorch-grad-cam's stored outputs on the same LeNet weights and images.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class GradCamTests
{
    private static readonly CamOptions Parity = new() { Normalization = MapNormalization.MinMax };

    private static IReadOnlyList<ICamTarget> ClassTargets(Tensor classes) =>
        classes.data<long>().Select(c => (ICamTarget)new ClassLogitTarget((int)c)).ToList();

    [SharedDataFact]
    public void LogitsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var noGrad = no_grad();
        TensorAssert.LogitsClose(f["logits"], model.call(f["images"]), model, "lenet");
    }

    [SharedDataFact]
    public void MapsMatchPytorchGradCamForPredictedAndTrueClasses()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        foreach (var f in new[] { LeNetFixture.Cams(), LeNetFixture.Misclassified() })
        foreach (var (suffix, classes) in new[] { ("pred", f["pred"]), ("true", f["labels"]) })
        {
            var cam = new GradCam(model, new[] { "conv.4" }, Parity);
            using var result = cam.Explain(f["images"], ClassTargets(classes));
            TensorAssert.Close(f["GradCAM_" + suffix], result.Maps, CamFixtures.LeNetMapTolerance("gradcam"), "GradCAM_" + suffix);
        }
    }

    [SharedDataFact]
    public void RawMapMatchesBeforeNormalisation()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var result = new GradCam(model, new[] { "conv.4" }, Parity).Explain(f["images"], ClassTargets(f["pred"]));
        // The raw map Σ_c w_c A_c before any normalisation: the conv.4 chain (469 terms) relative to S = Σ_c |w_c A_c|,
        // computed from PyTorch's own weights and activations in the fixture (its largest value over pixels and images).
        var contributions = (f["GradCAM_weights_pred"].view(8, 16, 1, 1) * f["GradCAM_acts_pred"]).abs().sum(1);
        var tolerance = Float32Error.BetweenRuns(Float32Error.LeNetConv4Map, contributions.max().item<float>());
        TensorAssert.Close(f["GradCAM_raw_pred"], result.RawLayerMaps["conv.4"], tolerance, "GradCAM_raw_pred");
    }

    [SharedDataFact]
    public void DefaultTargetIsThePredictedClass()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Misclassified();
        using var model = LeNetFixture.Model();
        using var result = new GradCam(model, new[] { "conv.4" }, Parity).Explain(f["images"]);
        Assert.Equal(f["pred"].data<long>().Select(c => (int?)c), result.Targets.Select(t => t.ClassIndex));
        TensorAssert.Close(f["GradCAM_pred"], result.Maps, CamFixtures.LeNetMapTolerance("gradcam"), "GradCAM_pred");
    }

    [SharedDataFact]
    public void LeavesParameterGradientsAndRequiresGradUntouched()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        var before = model.parameters().Select(p => p.requires_grad).ToList();
        using (new GradCam(model, new[] { "conv.4" }).Explain(f["images"])) { }
        Assert.Equal(before, model.parameters().Select(p => p.requires_grad));
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [SharedDataFact]
    public void FrozenModelGivesTheSameMaps()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        foreach (var p in model.parameters()) p.requires_grad = false;
        using var result = new GradCam(model, new[] { "conv.4" }, Parity).Explain(f["images"], ClassTargets(f["pred"]));
        TensorAssert.Close(f["GradCAM_pred"], result.Maps, CamFixtures.LeNetMapTolerance("gradcam"), "GradCAM_pred (frozen)");
    }

    [SharedDataFact]
    public void ExplainingInsideACallersNoGradGivesTheSameMaps()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var noGrad = no_grad();
        using var result = new GradCam(model, new[] { "conv.4" }, Parity).Explain(f["images"], ClassTargets(f["pred"]));
        TensorAssert.Close(f["GradCAM_pred"], result.Maps, CamFixtures.LeNetMapTolerance("gradcam"), "GradCAM_pred under no_grad");
    }
}
