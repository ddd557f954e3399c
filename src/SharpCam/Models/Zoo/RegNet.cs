using SharpCam.Images;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// RegNet X and Y (Radosavovic et al., 2020), a port of torchvision 0.14's regnet.py with its module names: a stride-2
/// stem, four stages `trunk_output.block{i}` of residual bottleneck blocks `block{i}-{j}` (1×1 a, grouped 3×3 b,
/// squeeze-excitation `se` for Y, 1×1 c, projection `proj` where the shape changes). Each builder's stage widths,
/// depths and group widths come from its (depth, w_0, w_a, w_m, group width) by torchvision's BlockParams, computed
/// as torch does in float32. Default layer `trunk_output`, the four stages' output: the last spatial map before
/// pooling.
/// </summary>
internal static class RegNet
{
    private sealed record Params(int Depth, int W0, float WA, float WM, int GroupWidth, bool SqueezeExcite);

    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec("regnet_y_400mf", new(16, 48, 27.89f, 2.09f, 8, true), "regnet_y_400mf-e6988f5f.pth");
        yield return Spec("regnet_y_800mf", new(14, 56, 38.84f, 2.4f, 16, true), "regnet_y_800mf-58fc7688.pth");
        yield return Spec("regnet_y_1_6gf", new(27, 48, 20.71f, 2.65f, 24, true), "regnet_y_1_6gf-0d7bc02a.pth");
        yield return Spec("regnet_y_3_2gf", new(21, 80, 42.63f, 2.66f, 24, true), "regnet_y_3_2gf-9180c971.pth");
        yield return Spec("regnet_y_8gf", new(17, 192, 76.82f, 2.19f, 56, true), "regnet_y_8gf-dc2b1b54.pth");
        yield return Spec("regnet_y_16gf", new(18, 200, 106.23f, 2.48f, 112, true), "regnet_y_16gf-3e4a00f9.pth");
        yield return Spec("regnet_y_32gf", new(20, 232, 115.89f, 2.53f, 232, true), "regnet_y_32gf-8db6d4b5.pth");
        // Its default weights (SWAG, fine-tuned end to end) were evaluated at 384×384, bicubic; the others at 232 → 224.
        yield return Spec("regnet_y_128gf", new(27, 456, 160.83f, 2.52f, 264, true), "regnet_y_128gf_swag-c8ce3e52.pth")
            with { InputSize = 384, WeightsResizeSize = 384, WeightsFilter = ResizeFilter.Bicubic };
        yield return Spec("regnet_x_400mf", new(22, 24, 24.48f, 2.54f, 16, false), "regnet_x_400mf-62229a5f.pth");
        yield return Spec("regnet_x_800mf", new(16, 56, 35.73f, 2.28f, 16, false), "regnet_x_800mf-94a99ebd.pth");
        yield return Spec("regnet_x_1_6gf", new(18, 80, 34.01f, 2.25f, 24, false), "regnet_x_1_6gf-a12f2b72.pth");
        yield return Spec("regnet_x_3_2gf", new(25, 88, 26.31f, 2.25f, 48, false), "regnet_x_3_2gf-7071aa85.pth");
        yield return Spec("regnet_x_8gf", new(23, 80, 49.56f, 2.88f, 120, false), "regnet_x_8gf-2b70d774.pth");
        yield return Spec("regnet_x_16gf", new(22, 216, 55.59f, 2.1f, 128, false), "regnet_x_16gf-ba3796d7.pth");
        yield return Spec("regnet_x_32gf", new(23, 320, 69.86f, 2.0f, 168, false), "regnet_x_32gf-6eb8fdc6.pth");
    }

    private static ModelSpec Spec(string name, Params p, string file) =>
        ZooSpecs.ImageNet(name, file, "trunk_output", "fc.weight", 1, n => new Network(Stages(p), p.SqueezeExcite, n)) with { WeightsResizeSize = 232 };

    /// <summary>
    /// torchvision's BlockParams.from_init_params (bottleneck multiplier 1): block widths w_0 · w_m^round(log(u_j / w_0) /
    /// log w_m) quantised to 8, with u_j = j · w_a + w_0, in float32 as torch computes them; runs of equal widths are the
    /// stages; each width is then made divisible by its group width (min(group width, stage width)).
    /// </summary>
    private static List<(long Width, int Depth, long GroupWidth)> Stages(Params p)
    {
        var logWM = (float)Math.Log(p.WM);
        var widths = Enumerable.Range(0, p.Depth).Select(j =>
        {
            var capacity = MathF.Round(MathF.Log((j * p.WA + p.W0) / p.W0) / logWM);
            return (long)(MathF.Round(p.W0 * MathF.Pow(p.WM, capacity) / 8) * 8);
        }).ToList();
        var stages = new List<(long Width, int Depth, long GroupWidth)>();
        foreach (var width in widths)
        {
            if (stages.Count > 0 && stages[^1].Width == width) stages[^1] = stages[^1] with { Depth = stages[^1].Depth + 1 };
            else stages.Add((width, 1, 0));
        }
        return stages.Select(s =>
        {
            var group = Math.Min(p.GroupWidth, s.Width);
            return (ZooLayers.MakeDivisible(s.Width, group), s.Depth, group);
        }).ToList();
    }

    private static Sequential ConvNorm(long input, long output, long kernel, long stride = 1, long groups = 1, bool relu = true) =>
        ZooLayers.ConvBatchNorm(input, output, kernel, stride, groups, relu ? () => ReLU(inplace: true) : null);

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential stem;
        private readonly Sequential trunk_output;
        private readonly Module<Tensor, Tensor> avgpool;
        private readonly Module<Tensor, Tensor> fc;

        public Network(List<(long Width, int Depth, long GroupWidth)> stages, bool squeezeExcite, int numClasses) : base("RegNet")
        {
            stem = ConvNorm(3, 32, 3, stride: 2);
            long current = 32;
            var trunk = new List<(string, Module<Tensor, Tensor>)>();
            for (int i = 0; i < stages.Count; i++)
            {
                var (width, depth, groupWidth) = stages[i];
                var blocks = new List<(string, Module<Tensor, Tensor>)>();
                for (int j = 0; j < depth; j++)
                    blocks.Add(($"block{i + 1}-{j}", new ResBottleneckBlock(j == 0 ? current : width, width, j == 0 ? 2 : 1, groupWidth, squeezeExcite)));
                trunk.Add(($"block{i + 1}", Sequential(blocks)));
                current = width;
            }
            trunk_output = Sequential(trunk);
            avgpool = AdaptiveAvgPool2d(1);
            fc = Linear(current, numClasses);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            fc.call(avgpool.call(trunk_output.call(stem.call(input))).flatten(1));
    }

    private sealed class ResBottleneckBlock : Module<Tensor, Tensor>
    {
        private readonly Sequential? proj;
        private readonly Sequential f;
        private readonly Module<Tensor, Tensor> activation;

        public ResBottleneckBlock(long input, long output, long stride, long groupWidth, bool squeezeExcite) : base("ResBottleneckBlock")
        {
            if (input != output || stride != 1) proj = ConvNorm(input, output, 1, stride, relu: false);
            var layers = new List<(string, Module<Tensor, Tensor>)>
            {
                ("a", ConvNorm(input, output, 1)),
                ("b", ConvNorm(output, output, 3, stride, groups: output / groupWidth)),
            };
            // squeeze to round(0.25 · block input width) channels, ReLU inside, sigmoid gate.
            if (squeezeExcite)
                layers.Add(("se", TorchSharp.torchvision.ops.SqueezeExcitation(output, (long)Math.Round(0.25 * input),
                    activation: () => ReLU(), scale_activation: () => Sigmoid())));
            layers.Add(("c", ConvNorm(output, output, 1, relu: false)));
            f = Sequential(layers);
            activation = ReLU(inplace: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            activation.call((proj is null ? input : proj.call(input)) + f.call(input));
    }
}
