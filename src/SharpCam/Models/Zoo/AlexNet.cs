using TorchSharp;

namespace SharpCam.Models.Zoo;

/// <summary>AlexNet (TorchSharp's TorchVision). Default layer `features.11`: the ReLU after the last convolution, before the last max-pool.</summary>
internal static class AlexNet
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return ZooSpecs.ImageNet("alexnet", "alexnet-owt-7be5be79.pth", "features.11", "classifier.6.weight", 63,
            n => torchvision.models.alexnet(n));
    }
}
