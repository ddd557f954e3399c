using SharpCam.Images;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models;

/// <summary>
/// One architecture of the model zoo: how to build it, what input it expects, where Grad-CAM looks by default and
/// where its published ImageNet weights live. <see cref="ModelZoo"/> holds them all.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>The zoo name, as torchvision spells the builder: "vgg16", "resnet50", "lenet", …</summary>
    public required string Name { get; init; }

    /// <summary>Side of the square input the weights were trained at: 224; inception_v3 299; lenet 28.</summary>
    public required int InputSize { get; init; }

    /// <summary>Smallest input side the architecture accepts (torchvision's min_size: VGG 32, AlexNet 63, …).</summary>
    public required int MinInputSize { get; init; }

    /// <summary>3 (RGB) for the ImageNet models, 1 (grey) for LeNet.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Per-channel mean subtracted after scaling pixels to [0, 1].</summary>
    public required IReadOnlyList<float> Mean { get; init; }

    /// <summary>Per-channel standard deviation divided by after subtracting the mean.</summary>
    public required IReadOnlyList<float> Std { get; init; }

    /// <summary>The documented Grad-CAM layer (dotted PyTorch name): vgg16 `features.29`, resnets `layer4`, …</summary>
    public required string DefaultLayer { get; init; }

    /// <summary>State-dict key of the last layer's weight, [classes, features] (SqueezeNet's 1×1 conv: [classes, 512, 1, 1]): its first dimension is the class count.</summary>
    public required string ClassifierWeightKey { get; init; }

    /// <summary>Classes of the published weights (1000 ImageNet classes; 10 digits for LeNet).</summary>
    public int DefaultNumClasses { get; init; } = 1000;

    /// <summary>torchvision's file name for the published weights ("vgg16-397923af.pth"); null when there are none.</summary>
    public string? WeightsFileName { get; init; }

    /// <summary>Where torchvision downloads <see cref="WeightsFileName"/> from.</summary>
    public Uri? WeightsUrl { get; init; }

    /// <summary>
    /// Key prefixes of auxiliary training heads ("aux1.", "AuxLogits.") that inference never runs. They may be present
    /// in or absent from a weights file either way: extra ones are ignored, missing ones keep their initial values.
    /// </summary>
    public IReadOnlyList<string> AuxiliaryKeyPrefixes { get; init; } = [];

    /// <summary>
    /// Renames a key of an older state-dict layout to the model's ("…denselayer1.norm.1.weight" → "…norm1.weight" in
    /// torchvision's DenseNet files), as torchvision does when it loads them; null when the published files match the model.
    /// </summary>
    public Func<string, string>? KeyRenaming { get; init; }

    /// <summary><paramref name="stateDict"/> with <see cref="KeyRenaming"/> applied (the same dictionary when there is none).</summary>
    public IReadOnlyDictionary<string, T> WithModelKeys<T>(IReadOnlyDictionary<string, T> stateDict) =>
        KeyRenaming is null ? stateDict : stateDict.ToDictionary(kv => KeyRenaming(kv.Key), kv => kv.Value);

    /// <summary>Builds the architecture with the given class count (random weights).</summary>
    public required Func<int, Module<Tensor, Tensor>> Factory { get; init; }

    /// <summary>
    /// Most classes a model may have: ImageNet-21k has 21,843. A class count comes from a file (a classifier's shape, a
    /// sidecar), and the head it sizes is allocated before any weight is read, so it is checked first.
    /// </summary>
    public const int MaxNumClasses = 100_000;

    /// <summary>Fails unless 1 ≤ <paramref name="classes"/> ≤ <see cref="MaxNumClasses"/>; <paramref name="source"/> says where the count came from.</summary>
    public static int CheckNumClasses(long classes, string source)
    {
        if (classes < 1 || classes > MaxNumClasses)
            throw new ArgumentException($"{source} gives {classes:N0} classes; SharpCam builds models with 1 to {MaxNumClasses:N0} classes.");
        return (int)classes;
    }

    /// <summary>A new model with random weights, in eval mode, with <paramref name="numClasses"/> outputs (default: the published count).</summary>
    public Module<Tensor, Tensor> Create(int? numClasses = null)
    {
        var classes = CheckNumClasses(numClasses ?? DefaultNumClasses, $"The model {Name}");
        var model = Factory(classes);
        model.eval();
        return model;
    }

    /// <summary>
    /// Largest input side SharpCam runs a model at: at 1024 a VGG's first activation is already 256 MiB per image,
    /// and a size of 100,000 would ask libtorch for tens of gigabytes before the first layer.
    /// </summary>
    public const int MaxInputSize = 1024;

    /// <summary>[batch, channels, size, size] with the trained input size unless <paramref name="size"/> is given.</summary>
    public long[] InputShape(int batch = 1, int? size = null)
    {
        var side = size ?? InputSize;
        if (side < MinInputSize)
            throw new ArgumentException($"Input size {side} is too small: {Name} needs at least {MinInputSize}×{MinInputSize} pixels.");
        if (side > MaxInputSize)
            throw new ArgumentException($"Input size {side} is too large: SharpCam runs models on at most {MaxInputSize}×{MaxInputSize} pixels " +
                                        $"({Name} was trained at {InputSize}).");
        return [batch, InputChannels, side, side];
    }

    /// <summary>
    /// The shorter side torchvision's transform for the published weights resizes to before its centre crop of
    /// <see cref="InputSize"/> (ImageClassification's resize_size: 256 by default, 232 for the newer recipes, 342 for
    /// inception_v3); null when there are no published weights.
    /// </summary>
    public int? WeightsResizeSize { get; init; }

    /// <summary>The filter of that transform (its interpolation: bilinear, bicubic for most EfficientNets).</summary>
    public ResizeFilter WeightsFilter { get; init; } = ResizeFilter.Bilinear;

    /// <summary>
    /// The input transform at the model's own input size unless <paramref name="size"/> is given: the notebook's
    /// (the whole picture resized to the square, bilinear), or with <see cref="PreprocessingMode.Weights"/> the one the
    /// published weights were evaluated with (resize, centre crop, their filter).
    /// </summary>
    public ImagePreprocessing Preprocessing(int? size = null, PreprocessingMode mode = PreprocessingMode.Notebook)
    {
        InputShape(size: size);  // validates the size against the architecture's minimum
        var notebook = new ImagePreprocessing(size ?? InputSize, Mean, Std);
        if (mode == PreprocessingMode.Notebook) return notebook;
        if (WeightsResizeSize is not { } resize)
            throw new ArgumentException($"{Name} has no published weights, hence no weights preprocessing; use the notebook's.");
        if (size is { } side && side != InputSize)
            throw new ArgumentException($"The weights preprocessing of {Name} crops {InputSize}×{InputSize}, as its weights were evaluated; " +
                                        $"leave the input size out, or use the notebook's preprocessing for {side}×{side}.");
        return notebook with { ResizeShorterSide = resize, Filter = WeightsFilter };
    }
}

/// <summary>Which input transform a zoo model runs with (<see cref="ModelSpec.Preprocessing"/>).</summary>
public enum PreprocessingMode
{
    /// <summary>The course notebook's: Resize((size, size)), bilinear, the whole picture squeezed to the square.</summary>
    Notebook,

    /// <summary>torchvision's for the published weights: Resize(shorter side), CenterCrop(size), their filter.</summary>
    Weights,
}
