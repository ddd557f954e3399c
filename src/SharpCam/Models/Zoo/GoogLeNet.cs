using TorchSharp;

namespace SharpCam.Models.Zoo;

/// <summary>
/// GoogLeNet (TorchSharp's TorchVision) as torchvision builds it for its published weights: the input re-normalised
/// inside (transform_input), no auxiliary heads (the file's aux1/aux2 are ignored). Its conv blocks have a `relu`
/// module where torchvision calls F.relu; state dicts are unaffected. Default layer `inception5b`, the last block.
/// </summary>
internal static class GoogLeNet
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return ZooSpecs.ImageNet("googlenet", "googlenet-1378be20.pth", "inception5b", "fc.weight", 15,
            n => torchvision.models.googlenet(n, transform_input: true)) with { AuxiliaryKeyPrefixes = ["aux1.", "aux2."] };
    }
}
