using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// SqueezeNet 1.0 and 1.1 (Iandola et al., 2016), a port of torchvision 0.14's squeezenet.py with its module names:
/// Fire modules (1×1 squeeze, then 1×1 and 3×3 expands concatenated, each with ReLU), max-pools with ceil_mode, and a
/// classifier that is a 1×1 conv to the classes, ReLU and global average pool. Default layer `features.12`, the last
/// Fire module (features[-1]): the last spatial map before the class convolution.
/// </summary>
internal static class SqueezeNet
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return ZooSpecs.ImageNet("squeezenet1_0", "squeezenet1_0-b66bff10.pth", "features.12", "classifier.1.weight", 21,
            n => new Network(v1_1: false, n));
        yield return ZooSpecs.ImageNet("squeezenet1_1", "squeezenet1_1-b8a52dc0.pth", "features.12", "classifier.1.weight", 17,
            n => new Network(v1_1: true, n));
    }

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly Sequential classifier;

        public Network(bool v1_1, int numClasses) : base("SqueezeNet")
        {
            static Module<Tensor, Tensor> Pool() => MaxPool2d(3, stride: 2, ceil_mode: true);
            features = v1_1
                ? Sequential(Conv2d(3, 64, 3, stride: 2), ReLU(inplace: true), Pool(),
                    new Fire(64, 16, 64), new Fire(128, 16, 64), Pool(),
                    new Fire(128, 32, 128), new Fire(256, 32, 128), Pool(),
                    new Fire(256, 48, 192), new Fire(384, 48, 192), new Fire(384, 64, 256), new Fire(512, 64, 256))
                : Sequential(Conv2d(3, 96, 7, stride: 2), ReLU(inplace: true), Pool(),
                    new Fire(96, 16, 64), new Fire(128, 16, 64), new Fire(128, 32, 128), Pool(),
                    new Fire(256, 32, 128), new Fire(256, 48, 192), new Fire(384, 48, 192), new Fire(384, 64, 256), Pool(),
                    new Fire(512, 64, 256));
            classifier = Sequential(Dropout(0.5), Conv2d(512, numClasses, 1), ReLU(inplace: true), AdaptiveAvgPool2d(1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => classifier.call(features.call(input)).flatten(1);
    }

    /// <summary>Squeeze to <c>squeeze</c> channels, expand to <c>expand</c> by 1×1 and by 3×3, concatenated (torchvision passes both expand widths; they are equal in every Fire).</summary>
    private sealed class Fire : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> squeeze, squeeze_activation, expand1x1, expand1x1_activation, expand3x3, expand3x3_activation;

        public Fire(long input, long squeezePlanes, long expand) : base("Fire")
        {
            squeeze = Conv2d(input, squeezePlanes, 1);
            squeeze_activation = ReLU(inplace: true);
            expand1x1 = Conv2d(squeezePlanes, expand, 1);
            expand1x1_activation = ReLU(inplace: true);
            expand3x3 = Conv2d(squeezePlanes, expand, 3, padding: 1);
            expand3x3_activation = ReLU(inplace: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = squeeze_activation.call(squeeze.call(input));
            return cat([expand1x1_activation.call(expand1x1.call(x)), expand3x3_activation.call(expand3x3.call(x))], 1);
        }
    }
}
