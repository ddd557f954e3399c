using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Tests.Support;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Models;

/// <summary>Loading user state dicts (real `.pth` files, written by TorchSharp.PyBridge as torch.save writes them).</summary>
public class ZooModelTests
{
    private static string SaveFilled(TempFolder folder, Module model, string name)
    {
        FormulaWeights.Fill(model);
        var path = folder.File(name);
        model.save_py(path);
        return path;
    }

    private static Tensor Logits(Module<Tensor, Tensor> model, int size)
    {
        using (no_grad()) return model.call(FormulaWeights.Input(size));
    }

    [Fact]
    public void AFineTunedStateDictLoadsWithItsOwnClassCount()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        using var tuned = ModelZoo.Get("mobilenet_v3_small").Create(5);
        var path = SaveFilled(folder, tuned, "tuned.pth");

        using var loaded = ZooModel.Load("mobilenet_v3_small", weightsFile: path);
        Assert.Equal((5, WeightsOrigin.UserFile), (loaded.NumClasses, loaded.Weights.Origin));
        TensorAssert.Close(Logits(tuned, 64), Logits(loaded.Model, 64), 0, "logits after loading");
        Assert.False(loaded.Model.training);

        using var stated = ZooModel.Load("mobilenet_v3_small", weightsFile: path, numClasses: 5);
        var error = Assert.Throws<ArgumentException>(() => ZooModel.Load("mobilenet_v3_small", weightsFile: path, numClasses: 1000));
        Assert.Contains("--num-classes 1000", error.Message);
        Assert.Contains("has 5 classes", error.Message);
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
            ZooAssert.LogitsClose(reference["logits"], loaded.Model.call(reference["inputs"]), "resnet18 (torch.save file)");
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
        using var folder = new TempFolder();
        using var small = ModelZoo.Get("mobilenet_v3_small").Create();
        var path = SaveFilled(folder, small, "small.pth");
        var error = Assert.Throws<StateDictMismatchException>(() => ZooModel.Load("mobilenet_v3_large", weightsFile: path));
        Assert.Contains(path, error.Message);
        Assert.Contains("features.16.0.weight", error.Missing);
        Assert.Contains("features.2.block.0.0.weight: file [72, 16, 1, 1], model [64, 16, 1, 1]", error.Misshaped);
    }

    [Fact]
    public void GooglenetFilesMayCarryTheAuxiliaryHeadsTheModelLacks()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        // torchvision's googlenet file carries aux1/aux2, which SharpCam's googlenet (like torchvision's in eval) lacks.
        using var googlenet = ModelZoo.Get("googlenet").Create();
        FormulaWeights.Fill(googlenet);
        var withAux = googlenet.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        withAux["aux1.conv.conv.weight"] = ones(128, 512, 1, 1);
        withAux["aux2.fc2.bias"] = ones(1000);
        var file = folder.File("googlenet.pth");
        PyTorchPickler.PickleStateDict(file, withAux);
        using (var loaded = ZooModel.Load("googlenet", weightsFile: file))
            TensorAssert.Close(Logits(googlenet, 32), Logits(loaded.Model, 32), 0, "googlenet logits");

        // Other keys stay required.
        withAux.Remove("fc.bias");
        var incomplete = folder.File("incomplete.pth");
        PyTorchPickler.PickleStateDict(incomplete, withAux);
        Assert.Equal(["fc.bias"], Assert.Throws<StateDictMismatchException>(() => ZooModel.Load("googlenet", weightsFile: incomplete)).Missing);
    }

    [Fact]
    public void InceptionFilesMayLackTheAuxiliaryHead()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        // An inception_v3 saved with aux_logits=False has no AuxLogits: the model keeps its own, unused in eval.
        using var inception = ModelZoo.Get("inception_v3").Create(10);
        FormulaWeights.Fill(inception);
        var file = folder.File("inception.pth");
        PyTorchPickler.PickleStateDict(file,
            inception.state_dict().Where(kv => !kv.Key.StartsWith("AuxLogits.")).ToDictionary(kv => kv.Key, kv => kv.Value));
        using var loaded = ZooModel.Load("inception_v3", weightsFile: file);
        Assert.Equal(10, loaded.NumClasses);
        TensorAssert.Close(Logits(inception, 75), Logits(loaded.Model, 75), 0, "inception logits");
    }
}
