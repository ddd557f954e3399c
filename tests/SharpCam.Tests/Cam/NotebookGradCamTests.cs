using SharpCam.Cam;
using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// Grad-CAM against the course notebook's own algorithm (tests/fixtures/gradcam/make_gradcam_fixtures.py): a LeNet
/// trained by PyTorch on the bundled MNIST sample, its first 8 test digits, maps for all 10 classes.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class NotebookGradCamTests
{
    /// <summary>Loaded inside each test's dispose scope, which then frees it.</summary>
    private static Dictionary<string, Tensor> LoadReference() => Npy.LoadArchive(RepoPaths.Fixture("gradcam/notebook_gradcam.npz"));

    private static LeNet Model()
    {
        var model = new LeNet();
        CheckpointLoader.LoadInto(model, RepoPaths.Fixture("gradcam/lenet_mnist.pth"));
        model.eval();
        return model;
    }

    /// <summary>
    /// The notebook's divide-by-max maps (8×8, and bilinear to 28×28: 4 more terms) for every class: the conv.4 chain with
    /// κ = 55.15, this fixture's largest max S / max r over classes and images (tests/fixtures/cams/cam_conditioning.py).
    /// </summary>
    private static readonly double MapTolerance = Float32Error.NormalisedMap(Float32Error.LeNetConv4Map + 4, 55.15);

    [Fact]
    public void LogitsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        var reference = LoadReference();
        using var model = Model();
        using var noGrad = no_grad();
        TensorAssert.LogitsClose(reference["logits"], model.call(reference["images"]), model, "notebook lenet");
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)] [InlineData(9)]
    public void MapsMatchTheNotebookForEveryClass(int cls)
    {
        using var scope = NewDisposeScope();
        var reference = LoadReference();
        using var model = Model();
        var targets = Enumerable.Repeat<ICamTarget>(new ClassLogitTarget(cls), 8).ToList();
        using var result = new GradCam(model, [LeNet.DefaultTargetLayer]).Explain(reference["images"], targets);
        // Where the notebook divides an all-zero map by its max it gets NaN; SharpCam returns zeros there.
        var zeroInNotebook = reference["nan_maps"][cls].to(ScalarType.Bool).view(8, 1, 1);
        var expected8 = where(zeroInNotebook, zeros(8, 8, 8), reference["maps8"][cls]);
        var expected28 = where(zeroInNotebook, zeros(8, 28, 28), reference["maps28"][cls]);
        TensorAssert.Close(expected8, result.LayerMaps["conv.4"], MapTolerance, $"8x8 maps, class {cls}");
        TensorAssert.Close(expected28, result.Maps, MapTolerance, $"28x28 maps, class {cls}");
    }
}
