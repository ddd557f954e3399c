using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Models;
using static TorchSharp.torch;

namespace SharpCam.Tests.Support;

/// <summary>pytorch-grad-cam's set A: a LeNet trained on Fashion-MNIST, with its first 8 test images and reference maps.</summary>
public static class LeNetFixture
{
    public static LeNet Model()
    {
        var model = new LeNet();
        StateDict.Load(model, Npy.LoadArchive(SharedData.PathOf("fixtures/lenet-fmnist/lenet_fmnist_weights.npz")), "fixture");
        model.eval();
        return model;
    }

    public static Dictionary<string, Tensor> Cams() => Npy.LoadArchive(SharedData.PathOf("fixtures/lenet-fmnist/cams.npz"));
    public static Dictionary<string, Tensor> Misclassified() => Npy.LoadArchive(SharedData.PathOf("fixtures/lenet-fmnist/cams_misclassified.npz"));
}
