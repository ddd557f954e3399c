using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// VGG 11/13/16/19 with and without BatchNorm (TorchSharp's TorchVision, identical to torchvision 0.14). Default layer:
/// the ReLU after the last convolution, before the last max-pool, where the notebook looks (vgg16 `features.29`).
/// </summary>
internal static class Vgg
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        var vggs = new (string Name, int Convolutions, string Hash, Func<int, Module<Tensor, Tensor>> Plain,
                        string BnHash, Func<int, Module<Tensor, Tensor>> WithBatchNorm)[]
        {
            ("vgg11", 8, "8a719046", n => torchvision.models.vgg11(n), "6002323d", n => torchvision.models.vgg11_bn(n)),
            ("vgg13", 10, "19584684", n => torchvision.models.vgg13(n), "abd245e5", n => torchvision.models.vgg13_bn(n)),
            ("vgg16", 13, "397923af", n => torchvision.models.vgg16(n), "6c64b313", n => torchvision.models.vgg16_bn(n)),
            ("vgg19", 16, "dcbb9e9d", n => torchvision.models.vgg19(n), "c79401a0", n => torchvision.models.vgg19_bn(n)),
        };
        foreach (var vgg in vggs)
        {
            // features = per convolution [conv, (bn,) relu], plus 5 max-pools; the default is the ReLU before the last pool.
            yield return ZooSpecs.ImageNet(vgg.Name, $"{vgg.Name}-{vgg.Hash}.pth", $"features.{vgg.Convolutions * 2 + 3}",
                "classifier.6.weight", 32, vgg.Plain);
            yield return ZooSpecs.ImageNet(vgg.Name + "_bn", $"{vgg.Name}_bn-{vgg.BnHash}.pth", $"features.{vgg.Convolutions * 3 + 3}",
                "classifier.6.weight", 32, vgg.WithBatchNorm);
        }
    }
}
