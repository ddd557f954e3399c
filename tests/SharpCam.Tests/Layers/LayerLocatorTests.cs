using SharpCam.Layers;
using SharpCam.Models;
using static TorchSharp.torch;

namespace SharpCam.Tests.Layers;

public class LayerLocatorTests
{
    /// <summary>PyTorch's resnet18.named_modules() begins so (torchvision 0.14); TorchSharp's own order lists `layer1`…`fc` before `layer1.0`.</summary>
    private static readonly string[] ResNet18FirstModules = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer1.0", "layer1.0.conv1"];

    [Fact]
    public void ListsEveryModuleInPyTorchsOrderWithOutputShapes()
    {
        using var scope = NewDisposeScope();
        using var model = ModelZoo.Get("resnet18").Create();
        var layers = LayerLocator.List(model, [1, 3, 64, 64]);
        Assert.Equal(ResNet18FirstModules, layers.Take(7).Select(l => l.Name));
        Assert.Equal(ModuleTree.DepthFirst(model).Select(m => m.Name), layers.Select(l => l.Name));
        var layer4 = Assert.Single(layers, l => l.Name == "layer4");
        Assert.Equal("Sequential", layer4.Type);
        Assert.Equal(new long[] { 1, 512, 2, 2 }, layer4.OutputShape);
        Assert.Equal(512 * 1000 + 1000, Assert.Single(layers, l => l.Name == "fc").Parameters);
    }

    [Fact]
    public void AnUnknownNameListsTheNamesInPyTorchsOrder()
    {
        using var scope = NewDisposeScope();
        using var model = ModelZoo.Get("resnet18").Create();
        var error = Assert.Throws<UnknownLayerException>(() => LayerLocator.Find(model, "layer5"));
        Assert.Equal(ResNet18FirstModules, error.Available.Take(7));
        Assert.Contains("'layer5'", error.Message);
        Assert.Same(Assert.Single(ModuleTree.DepthFirst(model), m => m.Name == "layer4.1.conv2").Module, LayerLocator.Find(model, "layer4.1.conv2"));
    }

    [Fact]
    public void TheDefaultLayerIsTheLastSpatialOneOrTheContainerEndingWithIt()
    {
        using var scope = NewDisposeScope();
        using var resnet = ModelZoo.Get("resnet18").Create();
        Assert.Equal("layer4", LayerLocator.DefaultLayer(resnet, [1, 3, 64, 64]));
        using var lenet = new LeNet();
        Assert.Equal(LeNet.DefaultTargetLayer, LayerLocator.DefaultLayer(lenet, [1, 1, 28, 28]));
    }

    [Fact]
    public void ATargetLayerWithoutAFeatureMapIsRefusedListingTheLayersThatHaveOne()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var cam = new SharpCam.Cam.GradCam(model, ["fc.4"]);
        var error = Assert.Throws<UnsuitableLayerException>(() => cam.Explain(zeros(3, 1, 28, 28)));
        Assert.Equal("fc.4", error.LayerName);
        Assert.Equal(["conv", "conv.0", "conv.1", "conv.2", "conv.3", "conv.4", "conv.5"], error.Suitable);
        Assert.StartsWith("Layer 'fc.4' (Linear) outputs [3, 10], not a feature map [N, C, h, w]", error.Message);
    }
}
