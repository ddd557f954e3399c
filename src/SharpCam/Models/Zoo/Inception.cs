using TorchSharp;

namespace SharpCam.Models.Zoo;

/// <summary>
/// Inception v3 (TorchSharp's TorchVision) at 299×299, as torchvision builds it for its published weights: the input
/// re-normalised inside (transform_input), with the AuxLogits head that eval never runs. Default layer `Mixed_7c`, the last block.
/// </summary>
internal static class Inception
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return ZooSpecs.ImageNet("inception_v3", "inception_v3_google-0cc3c7bd.pth", "Mixed_7c", "fc.weight", 75,
            n => torchvision.models.inception_v3(n, transform_input: true)) with { InputSize = 299, WeightsResizeSize = 342, AuxiliaryKeyPrefixes = ["AuxLogits."] };
    }
}
