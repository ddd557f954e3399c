using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// ShuffleNet V2 ×0.5/×1.0/×1.5/×2.0 (Ma et al., 2018), a port of torchvision 0.14's shufflenetv2.py with its module
/// names: conv1, maxpool, stage2–4 of inverted residuals (stride 1: split the channels in half, transform one half by
/// `branch2`, concatenate; stride 2: `branch1` and `branch2` both on the input), each followed by a channel shuffle of
/// 2 groups, then conv5 and a global mean. Default layer `conv5`, the last convolution's (1×1 + BN + ReLU) output.
/// </summary>
internal static class ShuffleNetV2
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec("shufflenet_v2_x0_5", [24, 48, 96, 192, 1024], "shufflenetv2_x0.5-f707e7126e.pth");
        yield return Spec("shufflenet_v2_x1_0", [24, 116, 232, 464, 1024], "shufflenetv2_x1-5666bf0f80.pth");
        yield return Spec("shufflenet_v2_x1_5", [24, 176, 352, 704, 1024], "shufflenetv2_x1_5-3c479a10.pth") with { WeightsResizeSize = 232 };
        yield return Spec("shufflenet_v2_x2_0", [24, 244, 488, 976, 2048], "shufflenetv2_x2_0-8be3c8ee.pth") with { WeightsResizeSize = 232 };
    }

    private static ModelSpec Spec(string name, long[] channels, string file) =>
        ZooSpecs.ImageNet(name, file, "conv5", "fc.weight", 1, n => new Network([4, 8, 4], channels, n));

    private static Sequential ConvBnReLU(long input, long output, long kernel, long stride) =>
        Sequential(Conv2d(input, output, kernel, stride: stride, padding: (kernel - 1) / 2, bias: false), BatchNorm2d(output), ReLU(inplace: true));

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential conv1, stage2, stage3, stage4, conv5;
        private readonly Module<Tensor, Tensor> maxpool, fc;

        public Network(int[] repeats, long[] channels, int numClasses) : base("ShuffleNetV2")
        {
            conv1 = ConvBnReLU(3, channels[0], 3, 2);
            maxpool = MaxPool2d(3, stride: 2, padding: 1);
            Sequential Stage(int index) =>
                Sequential(Enumerable.Range(0, repeats[index])
                    .Select(i => (Module<Tensor, Tensor>)new InvertedResidual(i == 0 ? channels[index] : channels[index + 1], channels[index + 1], i == 0 ? 2 : 1)));
            stage2 = Stage(0);
            stage3 = Stage(1);
            stage4 = Stage(2);
            conv5 = ConvBnReLU(channels[3], channels[4], 1, 1);
            fc = Linear(channels[4], numClasses);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = conv5.call(stage4.call(stage3.call(stage2.call(maxpool.call(conv1.call(input))))));
            return fc.call(x.mean([2, 3]));
        }
    }

    private sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        private readonly Sequential branch1, branch2;
        private readonly long stride;

        public InvertedResidual(long input, long output, long stride) : base("InvertedResidual")
        {
            this.stride = stride;
            var half = output / 2;
            branch1 = stride > 1
                ? Sequential(Depthwise(input, stride), BatchNorm2d(input), Conv2d(input, half, 1, bias: false), BatchNorm2d(half), ReLU(inplace: true))
                : Sequential();
            branch2 = Sequential(
                Conv2d(stride > 1 ? input : half, half, 1, bias: false), BatchNorm2d(half), ReLU(inplace: true),
                Depthwise(half, stride), BatchNorm2d(half),
                Conv2d(half, half, 1, bias: false), BatchNorm2d(half), ReLU(inplace: true));
            RegisterComponents();
        }

        private static Module<Tensor, Tensor> Depthwise(long channels, long stride) =>
            Conv2d(channels, channels, 3, stride: stride, padding: 1, groups: channels, bias: false);

        public override Tensor forward(Tensor input)
        {
            Tensor output;
            if (stride == 1)
            {
                var halves = input.chunk(2, 1);
                output = cat([halves[0], branch2.call(halves[1])], 1);
            }
            else output = cat([branch1.call(input), branch2.call(input)], 1);
            return ChannelShuffle(output, 2);
        }

        /// <summary>torchvision's channel_shuffle: [N, g, C/g, H, W] transposed to [N, C/g, g, H, W], flattened back.</summary>
        private static Tensor ChannelShuffle(Tensor x, long groups)
        {
            var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
            return x.view(n, groups, c / groups, h, w).transpose(1, 2).contiguous().view(n, -1, h, w);
        }
    }
}
