using SharpCam.Checkpoints;
using SharpCam.Models;
using SharpCam.Tests.Checkpoints;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Models;

public class LeNetTests
{
    [Fact]
    public void InputsOtherThan28By28DigitsFailNamingTheShape()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 1, 32, 32)));
        Assert.Contains("LeNet takes grey 28×28 digits, a batch of shape [N, 1, 28, 28]; it was given [2, 1, 32, 32]", error.Message);
        Assert.Equal([2L, 10], model.call(zeros(2, 1, 28, 28)).shape);
    }

    [Fact]
    public void FromCheckpointReadsTheClassCountFromTheHeadAndReproducesPyTorch()
    {
        var (model, checkpoint) = LeNet.FromCheckpoint(CheckpointFixtures.PathOf("lenet.ckpt"));
        using (model)
        {
            Assert.Equal(CheckpointFormat.Lightning, checkpoint.Format);
            CheckpointFixtures.AssertReproducesPyTorchLogits(model);
        }
        var (five, _) = LeNet.FromCheckpoint(RepoPaths.Fixture("zoo/lenet_5classes.pth"));
        using (five) Assert.Equal([1L, 5], five.call(zeros(1, 1, 28, 28)).shape);
    }

    /// <summary>ResNet-18's 122 keys into the LeNet: a two-line summary that says what the file looks like, not 122 keys.</summary>
    [Fact]
    public void ResNetWeightsAreSummarisedAsWhatTheyLookLike()
    {
        using var temp = new TempFolder();
        var path = temp.File("resnet18.safetensors");
        using (var resnet = ModelZoo.Get("resnet18").Create())
            SafetensorsFile.Save(resnet.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value), path);
        var error = Assert.Throws<StateDictMismatchException>(() => LeNet.FromCheckpoint(path));
        Assert.Equal(2, error.Message.Split(Environment.NewLine).Length);
        Assert.StartsWith($"The weights in {path} do not fit the model (the file has 122 tensors, the model 10); " +
                          "this looks like a resnet18/resnet34 (basic-block ResNet) state dict: 10 missing keys the model expects " +
                          "(conv.0.weight, conv.0.bias, conv.3.weight, …); 122 unexpected keys (conv1.weight, ", error.Message);
        Assert.Equal(122, error.Unexpected.Count);
    }

    [Fact]
    public void NaNWeightsAreRefusedNamingTheCheckpointAndTheTensor()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        var path = temp.File("diverged.safetensors");
        var tensors = CheckpointLoader.Load(CheckpointFixtures.PathOf("lenet.safetensors")).Tensors.ToDictionary();
        tensors["fc.4.weight"] = tensors["fc.4.weight"].clone();
        tensors["fc.4.weight"][0, 0] = tensor(float.NaN);
        tensors["fc.4.weight"][1, 0] = tensor(float.PositiveInfinity);
        SafetensorsFile.Save(tensors, path);
        var error = Assert.Throws<CheckpointReadException>(() => LeNet.FromCheckpoint(path));
        Assert.StartsWith($"The weights in {path} are not usable: 'fc.4.weight' holds 2 NaN or infinite values (of 840)", error.Message);
    }

    [Fact]
    public void ClassCountsBeyondTheLimitAreRefusedBeforeTheHeadIsBuilt()
    {
        var error = Assert.Throws<ArgumentException>(() => new LeNet(20_000_000));
        Assert.Contains("gives 20,000,000 classes; SharpCam builds models with 1 to 100,000 classes", error.Message);
    }
}
