using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>The registry, and every non-SVD method against pytorch-grad-cam on sets A and A′ (LeNet, conv.4).</summary>
public class CamMethodsTests
{
    [Fact]
    public void RegistryListsEveryMethodWithADescription()
    {
        Assert.Equal(new[] { "gradcam", "hirescam", "gradcam-elementwise", "gradcam++", "xgradcam", "layercam", "eigencam",
                             "eigengradcam", "scorecam", "ablationcam", "fullgrad", "guided-backprop", "guided-gradcam" },
                     CamMethods.All.Select(m => m.Name));
        Assert.All(CamMethods.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Description)));
    }

    [Fact]
    public void CreateGivesTheNamedMethodCaseInsensitively()
    {
        using var model = new SharpCam.Models.LeNet();
        foreach (var info in CamMethods.All)
            Assert.Equal(info.Name, CamMethods.Create(info.Name.ToUpperInvariant(), model, new[] { "conv.4" }).Name);
    }

    [Fact]
    public void UnknownNameFailsWithTheListOfNames()
    {
        using var model = new SharpCam.Models.LeNet();
        var error = Assert.Throws<UnknownCamMethodException>(() => CamMethods.Create("gradcam+++", model, new[] { "conv.4" }));
        Assert.Contains("gradcam+++", error.Message);
        Assert.All(CamMethods.All, m => Assert.Contains(m.Name, error.Message));
    }

    /// <summary>(registry name, fixture prefix, tolerance on [0, 1] maps). Measured: ≤ 2e-6 for every method (float32 rounding).</summary>
    public static TheoryData<string, string, double> NonProjectingMethods => new()
    {
        { "gradcam", "GradCAM", 1e-5 },
        { "hirescam", "HiResCAM", 1e-5 },
        { "gradcam-elementwise", "GradCAMElementWise", 1e-5 },
        { "gradcam++", "GradCAMPlusPlus", 1e-5 },
        { "xgradcam", "XGradCAM", 1e-5 },
        { "layercam", "LayerCAM", 1e-5 },
        { "scorecam", "ScoreCAM", 1e-5 },
        { "ablationcam", "AblationCAM", 1e-5 },
        { "fullgrad", "FullGrad", 1e-5 },
    };

    [SharedDataTheory]
    [MemberData(nameof(NonProjectingMethods))]
    public void MapsMatchPytorchGradCamForPredictedAndTrueClasses(string method, string reference, double tolerance)
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var cam = CamMethods.Create(method, model, new[] { "conv.4" }, CamFixtures.Parity with { BatchSize = 16 });
        foreach (var (set, f, suffix, classes) in CamFixtures.LeNetCases())
        {
            using var result = cam.Explain(f["images"], CamFixtures.ClassTargets(classes));
            TensorAssert.Close(f[$"{reference}_{suffix}"], result.Maps, tolerance, $"{reference}_{suffix} on set {set}");
        }
    }
}
