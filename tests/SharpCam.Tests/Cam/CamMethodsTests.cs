using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>The registry, and every non-SVD method against pytorch-grad-cam on sets A and A′ (LeNet, conv.4).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class CamMethodsTests
{
    [Fact]
    public void RegistryListsEveryMethodWithADescription()
    {
        Assert.Equal(new[] { "gradcam", "hirescam", "gradcam-elementwise", "gradcam++", "xgradcam", "layercam", "eigencam",
                             "eigengradcam", "scorecam", "ablationcam", "fullgrad", "guided-backprop", "guided-gradcam",
                             "fem", "randomcam", "segeigencam", "kpcacam", "finercam", "cam", "refinecam", "iscam", "sscam", "smoothgradcam++" },
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

    /// <summary>(registry name, fixture prefix); tolerances: <see cref="CamFixtures.LeNetMapTolerance"/>.</summary>
    public static TheoryData<string, string> NonProjectingMethods => new()
    {
        { "gradcam", "GradCAM" },
        { "hirescam", "HiResCAM" },
        { "gradcam-elementwise", "GradCAMElementWise" },
        { "gradcam++", "GradCAMPlusPlus" },
        { "xgradcam", "XGradCAM" },
        { "layercam", "LayerCAM" },
        { "scorecam", "ScoreCAM" },
        { "ablationcam", "AblationCAM" },
        { "fullgrad", "FullGrad" },
    };

    [SharedDataTheory]
    [MemberData(nameof(NonProjectingMethods))]
    public void MapsMatchPytorchGradCamForPredictedAndTrueClasses(string method, string reference)
    {
        var tolerance = CamFixtures.LeNetMapTolerance(method);
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
