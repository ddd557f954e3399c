using TorchSharp;

namespace SharpCam.Models.Zoo;

/// <summary>MobileNetV2 (TorchSharp's TorchVision). Default layer `features.18`, the last `features` block.</summary>
internal static class MobileNetV2
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return ZooSpecs.ImageNet("mobilenet_v2", "mobilenet_v2-b0353104.pth", "features.18", "classifier.1.weight", 1,
            n => torchvision.models.mobilenet_v2(n));
    }
}
