using SharpCam.Checkpoints;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Checkpoints;

public class CheckpointLoaderTests
{
    [SharedDataFact]
    public void PyTorchStateDictLoadsAndReproducesTheLogits()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        CheckpointLoader.LoadInto(model, SharedData.PathOf("fixtures/lenet-fmnist/lenet_fmnist.pth"));
        model.eval();
        var f = LeNetFixture.Cams();
        using var noGrad = no_grad();
        TensorAssert.Close(f["logits"], model.call(f["images"]), 1e-4, "logits");
    }
}
