using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Tests.Models;

namespace SharpCam.Tests.Layers;

public class ModuleTreeTests
{
    /// <summary>
    /// PyTorch's state_dict() lists tensors module by module in named_modules() order, so the modules owning tensors,
    /// in torchvision's state-dict order (tests/fixtures/zoo/architectures.json.gz), must come out of DepthFirst in the
    /// same order. TorchSharp's own named_modules() order fails this (it lists `layer1.0` … before `layer1.0.conv1`).
    /// </summary>
    [Theory]
    [InlineData("resnet18")]
    [InlineData("googlenet")]
    [InlineData("mobilenet_v3_small")]
    public void ListsModulesInPyTorchsOrder(string name)
    {
        var reference = ZooFixtures.Architecture(name);
        var pytorch = reference.StateDict.Select(kv => kv.Key[..kv.Key.LastIndexOf('.')]).Distinct().ToList();
        using var model = ModelZoo.Get(name).Create(reference.NumClasses);
        var owners = ModuleTree.DepthFirst(model)
            .Where(m => m.Module.named_parameters(recurse: false).Any() || m.Module.named_buffers(recurse: false).Any())
            .Select(m => m.Name).ToList();
        Assert.Equal(pytorch, owners);
    }
}
