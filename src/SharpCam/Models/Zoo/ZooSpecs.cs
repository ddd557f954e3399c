using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>What every torchvision family of the zoo shares: where the weights live, ImageNet's mean/std, the spec constructor.</summary>
internal static class ZooSpecs
{
    public const string TorchVisionModels = "https://download.pytorch.org/models/";
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// A 1000-class ImageNet classifier at 224×224 (override with <c>with { InputSize = … }</c>) whose default weights are
    /// torchvision's <paramref name="file"/> under download.pytorch.org/models, evaluated with Resize(256) + CenterCrop(224), bilinear.
    /// </summary>
    public static ModelSpec ImageNet(string name, string file, string layer, string classifier, int minSize,
                                     Func<int, Module<Tensor, Tensor>> factory) => new()
    {
        Name = name, InputSize = 224, MinInputSize = minSize, Mean = ImageNetMean, Std = ImageNetStd,
        DefaultLayer = layer, ClassifierWeightKey = classifier,
        WeightsFileName = file, WeightsUrl = new Uri(TorchVisionModels + file), Factory = factory,
        WeightsResizeSize = 256,  // torchvision's ImageClassification default; the families set their weights' own
    };
}
