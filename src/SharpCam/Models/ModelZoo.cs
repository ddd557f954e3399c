using SharpCam.Models.Zoo;
using static TorchSharp.torch;

namespace SharpCam.Models;

/// <summary>
/// The architectures SharpCam can build by name: torchvision's ImageNet classifiers (with PyTorch's state-dict keys,
/// so torchvision's `.pth` files load as they are) and the notebook's LeNet.
/// </summary>
/// <remarks>
/// Each family's file says how it is built (TorchSharp's TorchVision where that matches torchvision 0.14 exactly,
/// SharpCam's own port where it does not or where TorchSharp has none) and why its default target layer is the one
/// pytorch-grad-cam / torch-cam document (docs/ZOO.md has the table). Parameter-free modules may be named
/// differently from PyTorch inside TorchSharp's blocks; state dicts are unaffected.
/// </remarks>
public static class ModelZoo
{
    /// <summary>Every architecture, in the order `sharpcam` lists them.</summary>
    public static IReadOnlyList<ModelSpec> All { get; } = Build();

    public static IEnumerable<string> Names => All.Select(s => s.Name);

    /// <summary>The architecture called <paramref name="name"/> (case-insensitive); unknown names fail with the list.</summary>
    public static ModelSpec Get(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown model '{name}'. Known models: {string.Join(", ", Names)}.");

    /// <summary>
    /// The class count a state dict was trained for: the row count of its classifier weight, found under its own key
    /// or, in wrapped checkpoints, the shortest key ending in "." + that key ("model.fc.weight", not
    /// "model.AuxLogits.fc.weight"). Null when there is none.
    /// </summary>
    public static int? NumClassesOf(ModelSpec spec, IReadOnlyDictionary<string, Tensor> stateDict) =>
        NumClassesOf(spec, stateDict.ToDictionary(kv => kv.Key, kv => kv.Value.shape));

    /// <summary>As above, from the shapes a checkpoint declares (before its data is read); the count is checked against <see cref="ModelSpec.MaxNumClasses"/>.</summary>
    public static int? NumClassesOf(ModelSpec spec, IReadOnlyDictionary<string, long[]> stateDict)
    {
        var key = stateDict.ContainsKey(spec.ClassifierWeightKey)
            ? spec.ClassifierWeightKey
            : stateDict.Keys.Where(k => k.EndsWith("." + spec.ClassifierWeightKey, StringComparison.Ordinal)).MinBy(k => k.Length);
        return key is not null && stateDict[key] is [var classes, ..]
            ? ModelSpec.CheckNumClasses(classes, $"The classifier {key} [{string.Join(", ", stateDict[key])}]")
            : null;
    }

    /// <summary>
    /// The zoo: one file per torchvision family under Models/Zoo (each lists its builders in torchvision's order), the
    /// families in torchvision.models' order, then the notebook's LeNet. A new family is a new file and one line here.
    /// </summary>
    private static List<ModelSpec> Build() =>
    [
        .. AlexNet.Specs(),
        .. ConvNeXt.Specs(),
        .. DenseNet.Specs(),
        .. EfficientNet.Specs(),
        .. GoogLeNet.Specs(),
        .. Inception.Specs(),
        .. MaxVit.Specs(),
        .. MNASNet.Specs(),
        .. MobileNetV2.Specs(),
        .. MobileNetV3.Specs(),
        .. RegNet.Specs(),
        .. ResNet.Specs(),
        .. ShuffleNetV2.Specs(),
        .. SqueezeNet.Specs(),
        .. SwinTransformer.Specs(),   // swin, swin_v2
        .. Vgg.Specs(),
        .. VisionTransformer.Specs(),
        new ModelSpec
        {
            Name = "lenet", InputSize = 28, MinInputSize = 28, InputChannels = 1, Mean = [0f], Std = [1f],
            DefaultLayer = LeNet.DefaultTargetLayer, ClassifierWeightKey = "fc.4.weight", DefaultNumClasses = 10,
            Factory = n => new LeNet(n),
        },
    ];
}
