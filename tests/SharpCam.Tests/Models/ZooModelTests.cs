using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Models;

/// <summary>
/// Loading user state dicts: a real torch.save file (tests/fixtures/zoo/lenet_5classes.pth, formula weights, 5
/// classes), the torchvision resnet18 file in ../shared, and state dicts in memory for the larger architectures.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ZooModelTests
{
    private static readonly string TorchSavedLeNet = RepoPaths.Fixture("zoo/lenet_5classes.pth");

    /// <summary>The model computes exactly what a LeNet / zoo model filled with the formula weights computes.</summary>
    internal static void AssertHasFormulaWeights(Module<Tensor, Tensor> model, int numClasses, string name = "lenet", int size = 28)
    {
        using var scope = NewDisposeScope();
        using var expected = ModelZoo.Get(name).Create(numClasses);
        FormulaWeights.Fill(expected);
        var input = name == "lenet" ? FormulaWeights.Input(size).mean([1], keepdim: true) : FormulaWeights.Input(size);
        // Not bit for bit: a loaded model need not take the same kernels (oneDNN picks by shape, layout and threads).
        // A wrong weight is far outside this.
        using (no_grad()) TensorAssert.LogitsClose(expected.call(input), model.call(input), expected, $"{name} after loading");
    }

    /// <summary><paramref name="name"/> with <paramref name="numClasses"/> classes and the formula weights; its state dict is a user's in memory.</summary>
    private static Module<Tensor, Tensor> Filled(string name, int numClasses)
    {
        var model = ModelZoo.Get(name).Create(numClasses);
        FormulaWeights.Fill(model);
        return model;
    }

    private static readonly ResolvedWeights InMemory = new("in-memory state dict", WeightsOrigin.UserFile);

    [Fact]
    public void AStateDictSavedByTorchLoadsWithItsOwnClassCount()
    {
        using var loaded = ZooModel.Load("lenet", weightsFile: TorchSavedLeNet);
        Assert.Equal((5, WeightsOrigin.UserFile), (loaded.NumClasses, loaded.Weights.Origin));
        Assert.False(loaded.Model.training);
        AssertHasFormulaWeights(loaded.Model, 5);

        using var stated = ZooModel.Load("lenet", weightsFile: TorchSavedLeNet, numClasses: 5);
        var error = Assert.Throws<ArgumentException>(() => ZooModel.Load("lenet", weightsFile: TorchSavedLeNet, numClasses: 10));
        Assert.Contains("--num-classes 10", error.Message);
        Assert.Contains("has 5 classes", error.Message);
    }

    [Fact]
    public void AFineTunedImageNetArchitectureLoadsWithItsOwnClassCount()
    {
        using var scope = NewDisposeScope();
        using var tuned = Filled("mobilenet_v3_small", 5);
        using var loaded = ZooModel.FromStateDict(ModelZoo.Get("mobilenet_v3_small"), tuned.state_dict(), InMemory);
        Assert.Equal(5, loaded.NumClasses);
        AssertHasFormulaWeights(loaded.Model, 5, "mobilenet_v3_small", 64);
    }

    [Theory]
    [InlineData("model.")]  // a LightningModule holding the net as self.model
    [InlineData("module.")] // DataParallel
    public void AWrappedStateDictLoadsWithoutItsPrefix(string prefix)
    {
        using var scope = NewDisposeScope();
        using var tuned = Filled("mobilenet_v3_small", 5);
        var wrapped = tuned.state_dict().ToDictionary(kv => prefix + kv.Key, kv => kv.Value);
        using var loaded = ZooModel.FromStateDict(ModelZoo.Get("mobilenet_v3_small"), wrapped, InMemory);
        Assert.Equal(5, loaded.NumClasses);
        AssertHasFormulaWeights(loaded.Model, 5, "mobilenet_v3_small", 64);
    }

    [SharedDataFact]
    public void AStateDictSavedByPyTorchLoadsAndGivesPyTorchsLogits()
    {
        // ../shared: torch.save(torchvision.models.resnet18().state_dict()) (seed 0), with PyTorch's logits on 2 inputs.
        using var scope = NewDisposeScope();
        var reference = Npy.LoadArchive(SharedData.PathOf("fixtures/resnet18-random/cams.npz"));
        using var loaded = ZooModel.Load("resnet18", weightsFile: SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"));
        Assert.Equal(1000, loaded.NumClasses);
        using (no_grad())
            TensorAssert.LogitsClose(reference["logits"], loaded.Model.call(reference["inputs"]), loaded.Model, "resnet18 (torch.save file)");
    }

    [Fact]
    public void MissingAndMisshapedKeysFailWithTheKeyList()
    {
        using var scope = NewDisposeScope();
        using var model = ModelZoo.Get("resnet18").Create();
        var tensors = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors.Remove("layer4.1.bn2.weight");
        tensors["fc.weight"] = zeros(10, 512);
        tensors["head.weight"] = zeros(3);
        var error = Assert.Throws<StateDictMismatchException>(() => StateDict.Load(model, tensors, "edited.pth"));
        Assert.Equal(["layer4.1.bn2.weight"], error.Missing);
        Assert.Equal(["head.weight"], error.Unexpected);
        Assert.Single(error.Misshaped, m => m.StartsWith("fc.weight: file [10, 512], model [1000, 512]"));
        Assert.Contains("layer4.1.bn2.weight", error.Message);
    }

    [Fact]
    public void AFileOfAnotherArchitectureIsRefusedNamingTheFileAndKeys()
    {
        var error = Assert.Throws<StateDictMismatchException>(() => ZooModel.Load("resnet18", weightsFile: TorchSavedLeNet));
        Assert.Contains(TorchSavedLeNet, error.Message);
        Assert.Contains("conv1.weight", error.Missing);
        Assert.Contains("conv.0.weight", error.Unexpected);
    }

    [Fact]
    public void GooglenetStateDictsMayCarryTheAuxiliaryHeadsTheModelLacks()
    {
        using var scope = NewDisposeScope();
        // torchvision's googlenet file carries aux1/aux2, which SharpCam's googlenet (like torchvision's in eval) lacks.
        var spec = ModelZoo.Get("googlenet");
        using var source = Filled("googlenet", 1000);
        var withAux = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        withAux["aux1.conv.conv.weight"] = ones(128, 512, 1, 1);
        withAux["aux2.fc2.bias"] = ones(1000);
        using (var loaded = ZooModel.FromStateDict(spec, withAux, InMemory))
            AssertHasFormulaWeights(loaded.Model, 1000, "googlenet", 32);

        // The heads do not stop a wrapper's prefix from being dropped.
        var wrapped = withAux.ToDictionary(kv => "model." + kv.Key, kv => kv.Value);
        using (var loaded = ZooModel.FromStateDict(spec, wrapped, InMemory))
            AssertHasFormulaWeights(loaded.Model, 1000, "googlenet", 32);

        // Other keys stay required.
        withAux.Remove("fc.bias");
        Assert.Equal(["fc.bias"], Assert.Throws<StateDictMismatchException>(() => ZooModel.FromStateDict(spec, withAux, InMemory)).Missing);
    }

    [Fact]
    public void InceptionStateDictsMayLackTheAuxiliaryHead()
    {
        using var scope = NewDisposeScope();
        // An inception_v3 saved with aux_logits=False has no AuxLogits: the model keeps its own, unused in eval.
        using var source = Filled("inception_v3", 10);
        var withoutAux = source.state_dict().Where(kv => !kv.Key.StartsWith("AuxLogits.")).ToDictionary();
        using var loaded = ZooModel.FromStateDict(ModelZoo.Get("inception_v3"), withoutAux, InMemory);
        Assert.Equal(10, loaded.NumClasses);
        AssertHasFormulaWeights(loaded.Model, 10, "inception_v3", 75);
    }
}
