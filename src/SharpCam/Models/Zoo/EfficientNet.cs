using SharpCam.Images;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// EfficientNet B0–B7 (Tan &amp; Le, 2019) and V2 S/M/L (2021), a port of torchvision 0.14's efficientnet.py with its
/// module names: MBConv (expand 1×1, depthwise k×k, squeeze-excitation with SiLU, project 1×1) and V2's FusedMBConv
/// (one k×k conv in place of expand + depthwise, no SE), SiLU throughout, stochastic depth on the residual branch
/// (the identity in eval). Widths and depths are scaled as torchvision does (_make_divisible(c · width, 8),
/// ceil(layers · depth)). Default layer `features.{last}`: features[-1], the final 1×1 conv + BN + SiLU: the last
/// spatial map before pooling (torch-cam's rule; pytorch-grad-cam's features[-1] convention).
/// </summary>
internal static class EfficientNet
{
    /// <summary>One stage: block type, expansion, kernel, stride, input and output channels, layer count.</summary>
    private sealed record Stage(bool Fused, double Expand, long Kernel, long Stride, long In, long Out, int Layers);

    internal static IEnumerable<ModelSpec> Specs()
    {
        // name, width, depth, dropout, input size (the weights' crop size), weights file (the weights enums' DEFAULT),
        // the weights' resize size and filter. V2's weights are evaluated at their input size without cropping.
        yield return V1("efficientnet_b0", 1.0, 1.0, 0.2, 224, "efficientnet_b0_rwightman-3dd342df.pth", 256, ResizeFilter.Bicubic);
        yield return V1("efficientnet_b1", 1.0, 1.1, 0.2, 240, "efficientnet_b1-c27df63c.pth", 255, ResizeFilter.Bilinear);
        yield return V1("efficientnet_b2", 1.1, 1.2, 0.3, 288, "efficientnet_b2_rwightman-bcdf34b7.pth", 288, ResizeFilter.Bicubic);
        yield return V1("efficientnet_b3", 1.2, 1.4, 0.3, 300, "efficientnet_b3_rwightman-cf984f9c.pth", 320, ResizeFilter.Bicubic);
        yield return V1("efficientnet_b4", 1.4, 1.8, 0.4, 380, "efficientnet_b4_rwightman-7eb33cd5.pth", 384, ResizeFilter.Bicubic);
        // B5–B7 were ported from the paper's TensorFlow weights, hence TensorFlow's BatchNorm eps and momentum.
        yield return V1("efficientnet_b5", 1.6, 2.2, 0.4, 456, "efficientnet_b5_lukemelas-b6417697.pth", 456, ResizeFilter.Bicubic, tensorFlowNorm: true);
        yield return V1("efficientnet_b6", 1.8, 2.6, 0.5, 528, "efficientnet_b6_lukemelas-c76e70fd.pth", 528, ResizeFilter.Bicubic, tensorFlowNorm: true);
        yield return V1("efficientnet_b7", 2.0, 3.1, 0.5, 600, "efficientnet_b7_lukemelas-dcc49843.pth", 600, ResizeFilter.Bicubic, tensorFlowNorm: true);
        yield return V2("efficientnet_v2_s", 0.2, 384, "efficientnet_v2_s-dd5fe13b.pth",
        [
            new(true, 1, 3, 1, 24, 24, 2), new(true, 4, 3, 2, 24, 48, 4), new(true, 4, 3, 2, 48, 64, 4),
            new(false, 4, 3, 2, 64, 128, 6), new(false, 6, 3, 1, 128, 160, 9), new(false, 6, 3, 2, 160, 256, 15),
        ]);
        yield return V2("efficientnet_v2_m", 0.3, 480, "efficientnet_v2_m-dc08266a.pth",
        [
            new(true, 1, 3, 1, 24, 24, 3), new(true, 4, 3, 2, 24, 48, 5), new(true, 4, 3, 2, 48, 80, 5),
            new(false, 4, 3, 2, 80, 160, 7), new(false, 6, 3, 1, 160, 176, 14), new(false, 6, 3, 2, 176, 304, 18),
            new(false, 6, 3, 1, 304, 512, 5),
        ]);
        // v2_l's weights were trained with mean = std = 0.5, bicubic (its weights enum's transforms).
        yield return V2("efficientnet_v2_l", 0.4, 480, "efficientnet_v2_l-59c71312.pth",
        [
            new(true, 1, 3, 1, 32, 32, 4), new(true, 4, 3, 2, 32, 64, 7), new(true, 4, 3, 2, 64, 96, 7),
            new(false, 4, 3, 2, 96, 192, 10), new(false, 6, 3, 1, 192, 224, 19), new(false, 6, 3, 2, 224, 384, 25),
            new(false, 6, 3, 1, 384, 640, 7),
        ]) with { Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f], WeightsFilter = ResizeFilter.Bicubic };
    }

    private static ModelSpec V1(string name, double width, double depth, double dropout, int inputSize, string file, int resize, ResizeFilter filter,
                                bool tensorFlowNorm = false)
    {
        Stage Scaled(double expand, long kernel, long stride, long input, long output, int layers) =>
            new(false, expand, kernel, stride, ZooLayers.MakeDivisible(input * width), ZooLayers.MakeDivisible(output * width),
                (int)Math.Ceiling(layers * depth));
        Stage[] stages =
        [
            Scaled(1, 3, 1, 32, 16, 1), Scaled(6, 3, 2, 16, 24, 2), Scaled(6, 5, 2, 24, 40, 2), Scaled(6, 3, 2, 40, 80, 3),
            Scaled(6, 5, 1, 80, 112, 3), Scaled(6, 5, 2, 112, 192, 4), Scaled(6, 3, 1, 192, 320, 1),
        ];
        var (eps, momentum) = tensorFlowNorm ? (0.001, 0.01) : (1e-5, 0.1);
        return Spec(name, inputSize, 1, file, stages, n => new Network(stages, dropout, lastChannel: null, eps, momentum, n))
            with { WeightsResizeSize = resize, WeightsFilter = filter };
    }

    private static ModelSpec V2(string name, double dropout, int inputSize, string file, Stage[] stages) =>
        Spec(name, inputSize, 33, file, stages, n => new Network(stages, dropout, lastChannel: 1280, eps: 1e-3, momentum: 0.1, n))
            with { WeightsResizeSize = inputSize };

    /// <summary>features = [stem, one Sequential per stage, final conv]: the default layer, features[-1], is features.{stages + 1}.</summary>
    private static ModelSpec Spec(string name, int inputSize, int minSize, string file, Stage[] stages, Func<int, Module<Tensor, Tensor>> factory) =>
        ZooSpecs.ImageNet(name, file, $"features.{stages.Length + 1}", "classifier.1.weight", minSize, factory) with { InputSize = inputSize };

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly Module<Tensor, Tensor> avgpool;
        private readonly Sequential classifier;

        public Network(Stage[] stages, double dropout, long? lastChannel, double eps, double momentum, int numClasses) : base("EfficientNet")
        {
            Sequential Norm(long input, long output, long kernel, long stride = 1, long groups = 1, bool activation = true) =>
                ZooLayers.ConvBatchNorm(input, output, kernel, stride, groups, activation ? () => SiLU(inplace: true) : null, eps, momentum);

            var layers = new List<Module<Tensor, Tensor>> { Norm(3, stages[0].In, 3, stride: 2) };
            var total = stages.Sum(s => s.Layers);
            var index = 0;
            foreach (var stage in stages)
            {
                var blocks = new List<Module<Tensor, Tensor>>();
                for (int i = 0; i < stage.Layers; i++, index++)
                {
                    var block = i == 0 ? stage : stage with { In = stage.Out, Stride = 1 };
                    // torchvision's stochastic depth probability 0.2 · block index / block count (training only).
                    blocks.Add(new MBConv(block, 0.2 * index / total, Norm));
                }
                layers.Add(Sequential(blocks));
            }
            var lastIn = stages[^1].Out;
            var lastOut = lastChannel ?? 4 * lastIn;
            layers.Add(Norm(lastIn, lastOut, 1));
            features = Sequential(layers);
            avgpool = AdaptiveAvgPool2d(1);
            classifier = Sequential(Dropout(dropout, inplace: true), Linear(lastOut, numClasses));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            classifier.call(avgpool.call(features.call(input)).flatten(1));
    }

    /// <summary>MBConv, or FusedMBConv for a fused stage; the residual is added where stride 1 keeps the channel count.</summary>
    private sealed class MBConv : Module<Tensor, Tensor>
    {
        private readonly Sequential block;
        private readonly Module<Tensor, Tensor> stochastic_depth;
        private readonly bool residual;

        public MBConv(Stage s, double stochasticDepth, Func<long, long, long, long, long, bool, Sequential> norm) : base(s.Fused ? "FusedMBConv" : "MBConv")
        {
            var expanded = ZooLayers.MakeDivisible(s.In * s.Expand);
            var layers = new List<Module<Tensor, Tensor>>();
            if (s.Fused)
            {
                if (expanded != s.In)
                {
                    layers.Add(norm(s.In, expanded, s.Kernel, s.Stride, 1, true));
                    layers.Add(norm(expanded, s.Out, 1, 1, 1, false));
                }
                else layers.Add(norm(s.In, s.Out, s.Kernel, s.Stride, 1, true));
            }
            else
            {
                if (expanded != s.In) layers.Add(norm(s.In, expanded, 1, 1, 1, true));
                layers.Add(norm(expanded, expanded, s.Kernel, s.Stride, expanded, true));
                layers.Add(torchvision.ops.SqueezeExcitation(expanded, Math.Max(1, s.In / 4),
                    activation: () => SiLU(inplace: true), scale_activation: () => Sigmoid()));
                layers.Add(norm(expanded, s.Out, 1, 1, 1, false));
            }
            block = Sequential(layers);
            stochastic_depth = ZooLayers.StochasticDepth(stochasticDepth);
            residual = s.Stride == 1 && s.In == s.Out;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var result = block.call(input);
            return residual ? stochastic_depth.call(result) + input : result;
        }
    }
}
