using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchVisionResNet = TorchSharp.Modules.ResNet;

namespace SharpCam.Models;

/// <summary>
/// The architectures SharpCam can build by name: torchvision's ImageNet classifiers (with PyTorch's state-dict keys,
/// so torchvision's `.pth` files load as they are) and the notebook's LeNet.
/// </summary>
/// <remarks>
/// Built from TorchSharp's TorchVision 0.107 where it matches torchvision 0.14 exactly. Two of its builders do not:
/// its resnext101_32x8d / resnext101_64x4d have ResNet-50's depth (3, 4, 6, 3 blocks instead of 3, 4, 23, 3), so
/// they are built here as ResNet-101 with groups × width; and its MobileNetV3 uses ReLU6 inside squeeze-excitation
/// (torchvision: ReLU) and has no class-count parameter, so <see cref="MobileNetV3"/> is SharpCam's own.
/// googlenet and inception_v3 re-normalise their input inside (transform_input), as torchvision builds them for
/// its published weights. Parameter-free modules may be named differently from PyTorch inside blocks (TorchSharp's
/// ResNet blocks have relu1/relu2 where torchvision reuses one `relu`; its GoogLeNet/Inception conv blocks have a
/// `relu` module where torchvision calls F.relu); state dicts are unaffected. Default layers: the last convolutional block's output, where the notebook looks
/// (vgg16 `features.29`, the ReLU after the last convolution, before the last max-pool; likewise for every VGG
/// and `features.11` for AlexNet); resnets `layer4`; MobileNets their last `features` block; googlenet
/// `inception5b`; inception_v3 `Mixed_7c`.
/// </remarks>
public static class ModelZoo
{
    private const string TorchVisionModels = "https://download.pytorch.org/models/";
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

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
        return key is not null && stateDict[key] is [var classes, _]
            ? ModelSpec.CheckNumClasses(classes, $"The classifier {key} [{string.Join(", ", stateDict[key])}]")
            : null;
    }

    private static List<ModelSpec> Build()
    {
        var specs = new List<ModelSpec>();
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
            specs.Add(ImageNet(vgg.Name, $"{vgg.Name}-{vgg.Hash}.pth", $"features.{vgg.Convolutions * 2 + 3}",
                "classifier.6.weight", 32, vgg.Plain));
            specs.Add(ImageNet(vgg.Name + "_bn", $"{vgg.Name}_bn-{vgg.BnHash}.pth", $"features.{vgg.Convolutions * 3 + 3}",
                "classifier.6.weight", 32, vgg.WithBatchNorm));
        }
        specs.Add(ImageNet("alexnet", "alexnet-owt-7be5be79.pth", "features.11", "classifier.6.weight", 63,
            n => torchvision.models.alexnet(n)));

        specs.Add(ResNet("resnet18", "resnet18-f37072fd.pth", n => torchvision.models.resnet18(n)));
        specs.Add(ResNet("resnet34", "resnet34-b627a593.pth", n => torchvision.models.resnet34(n)));
        specs.Add(ResNet("resnet50", "resnet50-0676ba61.pth", n => torchvision.models.resnet50(n)));
        specs.Add(ResNet("resnet101", "resnet101-63fe2227.pth", n => torchvision.models.resnet101(n)));
        specs.Add(ResNet("resnet152", "resnet152-394f9c45.pth", n => torchvision.models.resnet152(n)));
        specs.Add(ResNet("resnext50_32x4d", "resnext50_32x4d-7cdf4587.pth", n => torchvision.models.resnext50_32x4d(n)));
        specs.Add(ResNet("resnext101_32x8d", "resnext101_32x8d-8ba56ff5.pth", n => TorchVisionResNet.ResNet101(n, groups: 32, width_per_group: 8)));
        specs.Add(ResNet("resnext101_64x4d", "resnext101_64x4d-173b62eb.pth", n => TorchVisionResNet.ResNet101(n, groups: 64, width_per_group: 4)));
        specs.Add(ResNet("wide_resnet50_2", "wide_resnet50_2-95faca4d.pth", n => torchvision.models.wide_resnet50_2(n)));
        specs.Add(ResNet("wide_resnet101_2", "wide_resnet101_2-32ee1156.pth", n => torchvision.models.wide_resnet101_2(n)));

        specs.Add(ImageNet("mobilenet_v2", "mobilenet_v2-b0353104.pth", "features.18", "classifier.1.weight", 1,
            n => torchvision.models.mobilenet_v2(n)));
        specs.Add(ImageNet("mobilenet_v3_small", "mobilenet_v3_small-047dcff4.pth", "features.12", "classifier.3.weight", 1,
            n => new MobileNetV3(MobileNetV3.Variant.Small, n)));
        specs.Add(ImageNet("mobilenet_v3_large", "mobilenet_v3_large-8738ca79.pth", "features.16", "classifier.3.weight", 1,
            n => new MobileNetV3(MobileNetV3.Variant.Large, n)));
        specs.Add(ImageNet("googlenet", "googlenet-1378be20.pth", "inception5b", "fc.weight", 15,
            n => torchvision.models.googlenet(n, transform_input: true)) with { AuxiliaryKeyPrefixes = ["aux1.", "aux2."] });
        specs.Add(ImageNet("inception_v3", "inception_v3_google-0cc3c7bd.pth", "Mixed_7c", "fc.weight", 75,
            n => torchvision.models.inception_v3(n, transform_input: true)) with { InputSize = 299, AuxiliaryKeyPrefixes = ["AuxLogits."] });

        specs.Add(new ModelSpec
        {
            Name = "lenet", InputSize = 28, MinInputSize = 28, InputChannels = 1, Mean = [0f], Std = [1f],
            DefaultLayer = LeNet.DefaultTargetLayer, ClassifierWeightKey = "fc.4.weight", DefaultNumClasses = 10,
            Factory = n => new LeNet(n),
        });
        specs.AddRange(Zoo.MaxVit.Specs());              // maxvit
        specs.AddRange(Zoo.SwinTransformer.Specs());     // swin, swin_v2
        specs.AddRange(Zoo.VisionTransformer.Specs());   // vit
        return specs;
    }

    private static ModelSpec ResNet(string name, string file, Func<int, Module<Tensor, Tensor>> factory) =>
        ImageNet(name, file, "layer4", "fc.weight", 1, factory);

    internal static ModelSpec ImageNet(string name, string file, string layer, string classifier, int minSize,
                                      Func<int, Module<Tensor, Tensor>> factory) => new()
    {
        Name = name, InputSize = 224, MinInputSize = minSize, Mean = ImageNetMean, Std = ImageNetStd,
        DefaultLayer = layer, ClassifierWeightKey = classifier,
        WeightsFileName = file, WeightsUrl = new Uri(TorchVisionModels + file), Factory = factory,
    };
}
