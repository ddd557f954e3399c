using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// ConvNeXt T/S/B/L (Liu et al., 2022), a port of torchvision 0.14's convnext.py with its module names: a 4×4
/// stride-4 patchify stem with LayerNorm2d (LayerNorm over channels: permute to NHWC, layer_norm, permute back),
/// stages of CNBlocks (7×7 depthwise conv, permute, LayerNorm, Linear 4×, GELU, Linear, permute back, times the
/// per-channel layer scale, stochastic depth: the identity in eval) joined by LayerNorm2d + 2×2 stride-2 convs.
/// Default layer `features.7`, the last stage (features[-1]): the last spatial map before the classifier's norm and pooling.
/// </summary>
internal static class ConvNeXt
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec("convnext_tiny", [96, 192, 384, 768], [3, 3, 9, 3], 0.1, "convnext_tiny-983f1562.pth", 236);
        yield return Spec("convnext_small", [96, 192, 384, 768], [3, 3, 27, 3], 0.4, "convnext_small-0c510722.pth", 230);
        yield return Spec("convnext_base", [128, 256, 512, 1024], [3, 3, 27, 3], 0.5, "convnext_base-6075fbad.pth", 232);
        yield return Spec("convnext_large", [192, 384, 768, 1536], [3, 3, 27, 3], 0.5, "convnext_large-ea097f82.pth", 232);
    }

    /// <summary><paramref name="resize"/>: the shorter side torchvision's transform for the weights resizes to before cropping 224.</summary>
    private static ModelSpec Spec(string name, long[] widths, int[] depths, double stochasticDepth, string file, int resize) =>
        ZooSpecs.ImageNet(name, file, "features.7", "classifier.2.weight", 32, n => new Network(widths, depths, stochasticDepth, n))
            with { WeightsResizeSize = resize };

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly Module<Tensor, Tensor> avgpool;
        private readonly Sequential classifier;

        public Network(long[] widths, int[] depths, double stochasticDepth, int numClasses) : base("ConvNeXt")
        {
            var layers = new List<Module<Tensor, Tensor>>
            {
                Sequential(Conv2d(3, widths[0], 4, stride: 4, bias: true), new LayerNorm2d(widths[0])),
            };
            var total = depths.Sum();
            var index = 0;
            for (int stage = 0; stage < widths.Length; stage++)
            {
                var blocks = new List<Module<Tensor, Tensor>>();
                // torchvision's stochastic depth probability p · block index / (blocks − 1) (training only).
                for (int i = 0; i < depths[stage]; i++, index++)
                    blocks.Add(new CNBlock(widths[stage], stochasticDepth * index / (total - 1.0)));
                layers.Add(Sequential(blocks));
                if (stage + 1 < widths.Length)
                    layers.Add(Sequential(new LayerNorm2d(widths[stage]), Conv2d(widths[stage], widths[stage + 1], 2, stride: 2)));
            }
            features = Sequential(layers);
            avgpool = AdaptiveAvgPool2d(1);
            classifier = Sequential(new LayerNorm2d(widths[^1]), Flatten(1), Linear(widths[^1], numClasses));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => classifier.call(avgpool.call(features.call(input)));
    }

    /// <summary>torchvision's LayerNorm2d: LayerNorm over the channels of an NCHW tensor (eps 1e-6), keys weight/bias.</summary>
    private sealed class LayerNorm2d : Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter weight;
        private readonly TorchSharp.Modules.Parameter bias;
        private readonly long channels;

        public LayerNorm2d(long channels) : base("LayerNorm2d")
        {
            this.channels = channels;
            weight = Parameter(ones(channels));
            bias = Parameter(zeros(channels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            functional.layer_norm(input.permute(0, 2, 3, 1), [channels], weight, bias, 1e-6).permute(0, 3, 1, 2);
    }

    private sealed class CNBlock : Module<Tensor, Tensor>
    {
        private readonly Sequential block;
        private readonly TorchSharp.Modules.Parameter layer_scale;
        private readonly Module<Tensor, Tensor> stochastic_depth;

        public CNBlock(long dim, double stochasticDepth) : base("CNBlock")
        {
            block = Sequential(
                Conv2d(dim, dim, 7, padding: 3, groups: dim, bias: true),
                torchvision.ops.Permute(0, 2, 3, 1),
                LayerNorm(dim, eps: 1e-6),
                Linear(dim, 4 * dim),
                GELU(),
                Linear(4 * dim, dim),
                torchvision.ops.Permute(0, 3, 1, 2));
            // torchvision initialises the scale to 1e-6 (the weights set it); shape [dim, 1, 1] broadcasts over H, W.
            layer_scale = Parameter(full(dim, 1, 1, 1e-6f));
            stochastic_depth = ZooLayers.StochasticDepth(stochasticDepth);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => stochastic_depth.call(layer_scale * block.call(input)) + input;
    }
}
