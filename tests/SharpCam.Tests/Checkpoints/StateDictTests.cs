using SharpCam.Checkpoints;
using SharpCam.Models;
using static TorchSharp.torch;

namespace SharpCam.Tests.Checkpoints;

public class StateDictTests
{
    private static Dictionary<string, Tensor> Prefixed(LeNet model, string prefix) =>
        model.state_dict().ToDictionary(kv => prefix + kv.Key, kv => kv.Value);

    [Theory]
    [InlineData("model.")]          // a LightningModule holding the net as self.model
    [InlineData("module.")]         // DataParallel
    [InlineData("lit.model.")]      // nested wrappers
    public void SharedPrefixIsDroppedWhenThatMakesTheKeysFit(string prefix)
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var fitted = StateDict.FitPrefix(model, Prefixed(model, prefix));
        Assert.Equal(model.state_dict().Keys.Order(), fitted.Keys.Order());
    }

    [Fact]
    public void KeysAreLeftAloneWhenNoPrefixMakesThemFit()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var tensors = Prefixed(model, "model.");
        tensors.Remove("model.fc.4.bias");
        Assert.Same(tensors, StateDict.FitPrefix(model, tensors));
        var error = Assert.Throws<StateDictMismatchException>(() => StateDict.Load(model, tensors, "test.ckpt"));
        Assert.Equal(10, error.Missing.Count);
        Assert.Equal(9, error.Unexpected.Count);
    }

    [Fact]
    public void UnexpectedKeysAreListedAndNothingIsLoaded()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var before = CheckpointFixtures.Snapshot(model);
        var tensors = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().fill_(1));
        tensors["head.weight"] = zeros(3);
        var error = Assert.Throws<StateDictMismatchException>(() => StateDict.Load(model, tensors, "extra.pth"));
        Assert.Equal(new[] { "head.weight" }, error.Unexpected);
        Assert.Contains("1 unexpected key (head.weight)", error.Message);
        CheckpointFixtures.AssertUnchanged(before, model);
    }
}
