using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// MobileNetV3 (Howard et al., 2019) exactly as torchvision 0.14 builds it (width 1.0, no dilation), with its module
/// names, so torchvision's weight files load unchanged. TorchSharp's own version differs (ReLU6 instead of ReLU
/// inside squeeze-excitation, a fixed 1000 classes), hence this one. Default layer: the last `features` block.
/// </summary>
internal static class MobileNetV3
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return ZooSpecs.ImageNet("mobilenet_v3_large", "mobilenet_v3_large-8738ca79.pth", "features.16", "classifier.3.weight", 1,
            n => new Network(Variant.Large, n));
        yield return ZooSpecs.ImageNet("mobilenet_v3_small", "mobilenet_v3_small-047dcff4.pth", "features.12", "classifier.3.weight", 1,
            n => new Network(Variant.Small, n));
    }

    public enum Variant { Small, Large }

    /// <summary>One inverted-residual block: input, kernel, expanded and output channels, SE, hard-swish, stride.</summary>
    private readonly record struct Block(long In, long Kernel, long Expanded, long Out, bool SqueezeExcite, bool HardSwish, long Stride);

    private static readonly Block[] Large =
    [
        new(16, 3, 16, 16, false, false, 1), new(16, 3, 64, 24, false, false, 2), new(24, 3, 72, 24, false, false, 1),
        new(24, 5, 72, 40, true, false, 2), new(40, 5, 120, 40, true, false, 1), new(40, 5, 120, 40, true, false, 1),
        new(40, 3, 240, 80, false, true, 2), new(80, 3, 200, 80, false, true, 1), new(80, 3, 184, 80, false, true, 1),
        new(80, 3, 184, 80, false, true, 1), new(80, 3, 480, 112, true, true, 1), new(112, 3, 672, 112, true, true, 1),
        new(112, 5, 672, 160, true, true, 2), new(160, 5, 960, 160, true, true, 1), new(160, 5, 960, 160, true, true, 1),
    ];

    private static readonly Block[] Small =
    [
        new(16, 3, 16, 16, true, false, 2), new(16, 3, 72, 24, false, false, 2), new(24, 3, 88, 24, false, false, 1),
        new(24, 5, 96, 40, true, true, 2), new(40, 5, 240, 40, true, true, 1), new(40, 5, 240, 40, true, true, 1),
        new(40, 5, 120, 48, true, true, 1), new(48, 5, 144, 48, true, true, 1), new(48, 5, 288, 96, true, true, 2),
        new(96, 5, 576, 96, true, true, 1), new(96, 5, 576, 96, true, true, 1),
    ];

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly Module<Tensor, Tensor> avgpool;
        private readonly Sequential classifier;

        public Network(Variant variant, int numClasses, double dropout = 0.2) : base("MobileNetV3")
        {
            var blocks = variant == Variant.Large ? Large : Small;
            long lastChannel = variant == Variant.Large ? 1280 : 1024;
            var layers = new List<Module<Tensor, Tensor>> { ConvNormActivation(3, blocks[0].In, 3, 2, 1, HardSwish) };
            layers.AddRange(blocks.Select(b => (Module<Tensor, Tensor>)new InvertedResidual(b)));
            var lastConvOut = 6 * blocks[^1].Out;
            layers.Add(ConvNormActivation(blocks[^1].Out, lastConvOut, 1, 1, 1, HardSwish));
            features = Sequential(layers);
            avgpool = AdaptiveAvgPool2d(1);
            classifier = Sequential(
                Linear(lastConvOut, lastChannel), Hardswish(inplace: true), Dropout(dropout, inplace: true), Linear(lastChannel, numClasses));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            classifier.call(avgpool.call(features.call(input)).flatten(1));
    }

    private static Module<Tensor, Tensor> HardSwish() => Hardswish(inplace: true);
    private static Module<Tensor, Tensor> ReLUActivation() => ReLU(inplace: true);

    /// <summary>torchvision's Conv2dNormActivation: conv (no bias) → BatchNorm(eps 0.001, momentum 0.01) → activation.</summary>
    private static Sequential ConvNormActivation(long input, long output, long kernel, long stride, long groups,
                                                 Func<Module<Tensor, Tensor>>? activation) =>
        ZooLayers.ConvBatchNorm(input, output, kernel, stride, groups, activation, eps: 0.001, momentum: 0.01);

    private sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        private readonly Sequential block;
        private readonly bool residual;

        public InvertedResidual(Block b) : base("InvertedResidual")
        {
            Func<Module<Tensor, Tensor>> activation = b.HardSwish ? HardSwish : ReLUActivation;
            var layers = new List<Module<Tensor, Tensor>>();
            if (b.Expanded != b.In) layers.Add(ConvNormActivation(b.In, b.Expanded, 1, 1, 1, activation));
            layers.Add(ConvNormActivation(b.Expanded, b.Expanded, b.Kernel, b.Stride, b.Expanded, activation));
            if (b.SqueezeExcite)
                layers.Add(torchvision.ops.SqueezeExcitation(b.Expanded, ZooLayers.MakeDivisible(b.Expanded / 4),
                    activation: () => ReLU(), scale_activation: () => Hardsigmoid()));
            layers.Add(ConvNormActivation(b.Expanded, b.Out, 1, 1, 1, null));
            block = Sequential(layers);
            residual = b.Stride == 1 && b.In == b.Out;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var result = block.call(input);
            return residual ? result + input : result;
        }
    }
}
