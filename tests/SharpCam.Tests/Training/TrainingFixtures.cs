using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Tests.Support;
using SharpCam.Training;
using static TorchSharp.torch;

namespace SharpCam.Tests.Training;

/// <summary>The arrays made by tests/fixtures/training/make_training_fixtures.py (PyTorch 1.13), and temp run roots.</summary>
internal static class TrainingFixtures
{
    public static Dictionary<string, Tensor> Load(string file) => Npy.LoadArchive(RepoPaths.Fixture("training/" + file));

    /// <summary>Real MNIST digits: "train" 256, "val" 64, "test" 128.</summary>
    public static LabelledImages Digits(string split)
    {
        var digits = Load("digits.npz");
        return new LabelledImages(digits[split + "_images"], digits[split + "_labels"]);
    }

    /// <summary>The LeNet PyTorch builds after torch.manual_seed(42), the start of every fixture training.</summary>
    public static LeNet InitialLeNet() => LeNetWith(Load("lenet_seed42_init.npz"));

    /// <summary>A LeNet holding the arrays whose keys start with <paramref name="prefix"/> (the prefix removed).</summary>
    public static LeNet LeNetWith(Dictionary<string, Tensor> arrays, string prefix = "")
    {
        var model = new LeNet();
        StateDict.Load(model, Weights(arrays, prefix), "training fixture");
        return model;
    }

    public static Dictionary<string, Tensor> Weights(Dictionary<string, Tensor> arrays, string prefix) =>
        arrays.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && (kv.Key.EndsWith(".weight") || kv.Key.EndsWith(".bias")))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    public static double Scalar(Tensor t) => t.to(ScalarType.Float64).data<double>()[0];
}
