using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Checkpoints;

/// <summary>
/// The committed checkpoint fixtures (tests/fixtures/checkpoints, written by make_checkpoint_fixtures.py with torch
/// 1.13): one seeded LeNet after two Adam steps, saved in every format, with an input batch and PyTorch's logits.
/// </summary>
public static class CheckpointFixtures
{
    public static string PathOf(string name) => RepoPaths.Fixture(Path.Combine("checkpoints", name));

    /// <summary>Asserts the model gives PyTorch's logits on the fixture batch.</summary>
    public static void AssertReproducesPyTorchLogits(LeNet model)
    {
        using var scope = NewDisposeScope();
        model.eval();
        using var noGrad = no_grad();
        TensorAssert.LogitsClose(Npy.Load(PathOf("lenet_logits.npy")), model.call(Npy.Load(PathOf("lenet_inputs.npy"))), model, "lenet");
    }

    /// <summary>Copies of every parameter and buffer, to prove later that nothing changed.</summary>
    public static Dictionary<string, Tensor> Snapshot(LeNet model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    /// <summary>Same dtype, same shape, every element equal.</summary>
    public static void AssertSameTensor(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.eq(actual).all().item<bool>(), $"{what}: values differ");
    }

    /// <summary>The same keys (in any order), each with the same tensor.</summary>
    public static void AssertSameTensors(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, tensor) in expected) AssertSameTensor(tensor, actual[key], key);
    }

    /// <summary>Writes the first <paramref name="fraction"/> of a fixture's bytes into <paramref name="temp"/> under a new name.</summary>
    public static string Truncated(TempFolder temp, string fixture, double fraction)
    {
        var bytes = File.ReadAllBytes(PathOf(fixture));
        var path = temp.File("truncated-" + fixture);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);
        return path;
    }

    public static void AssertUnchanged(Dictionary<string, Tensor> before, LeNet model)
    {
        foreach (var (key, value) in model.state_dict())
            AssertSameTensor(before[key], value, $"{key} (changed although loading failed)");
    }
}
