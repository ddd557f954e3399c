using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchVisionResNet = TorchSharp.Modules.ResNet;

namespace SharpCam.Models.Zoo;

/// <summary>
/// ResNet, ResNeXt and Wide ResNet from TorchSharp's TorchVision, except TorchSharp's resnext101_32x8d / resnext101_64x4d,
/// which have ResNet-50's depth (3, 4, 6, 3 blocks instead of 3, 4, 23, 3): they are built here as ResNet-101 with
/// groups × width. TorchSharp's blocks name their ReLUs relu1/relu2 where torchvision reuses one `relu`; state dicts
/// are unaffected. Default layer `layer4`, the last stage.
/// </summary>
internal static class ResNet
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec("resnet18", "resnet18-f37072fd.pth", n => torchvision.models.resnet18(n));
        yield return Spec("resnet34", "resnet34-b627a593.pth", n => torchvision.models.resnet34(n));
        yield return Spec("resnet50", "resnet50-0676ba61.pth", n => torchvision.models.resnet50(n));
        yield return Spec("resnet101", "resnet101-63fe2227.pth", n => torchvision.models.resnet101(n));
        yield return Spec("resnet152", "resnet152-394f9c45.pth", n => torchvision.models.resnet152(n));
        yield return Spec("resnext50_32x4d", "resnext50_32x4d-7cdf4587.pth", n => torchvision.models.resnext50_32x4d(n));
        yield return Spec("resnext101_32x8d", "resnext101_32x8d-8ba56ff5.pth", n => TorchVisionResNet.ResNet101(n, groups: 32, width_per_group: 8));
        yield return Spec("resnext101_64x4d", "resnext101_64x4d-173b62eb.pth", n => TorchVisionResNet.ResNet101(n, groups: 64, width_per_group: 4))
            with { WeightsResizeSize = 232 };
        yield return Spec("wide_resnet50_2", "wide_resnet50_2-95faca4d.pth", n => torchvision.models.wide_resnet50_2(n));
        yield return Spec("wide_resnet101_2", "wide_resnet101_2-32ee1156.pth", n => torchvision.models.wide_resnet101_2(n));
    }

    private static ModelSpec Spec(string name, string file, Func<int, Module<Tensor, Tensor>> factory) =>
        ZooSpecs.ImageNet(name, file, "layer4", "fc.weight", 1, factory);
}
