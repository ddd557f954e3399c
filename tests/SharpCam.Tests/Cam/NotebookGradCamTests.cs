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

    [Fact]
    public void LogitsMatchPyTorchWithin1e5()
    {
        using var scope = NewDisposeScope();
        var reference = LoadReference();
        using var model = Model();
        using var noGrad = no_grad();
        TensorAssert.Close(reference["logits"], model.call(reference["images"]), 1e-5, "logits");
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)] [InlineData(9)]
    public void MapsMatchTheNotebookWithin1e5ForEveryClass(int cls)
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
        TensorAssert.Close(expected8, result.LayerMaps["conv.4"], 1e-5, $"8x8 maps, class {cls}");
        TensorAssert.Close(expected28, result.Maps, 1e-5, $"28x28 maps, class {cls}");
    }
}
