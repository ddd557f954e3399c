using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// DenseNet 121/161/169/201 (Huang et al., 2017), a port of torchvision 0.14's densenet.py with its module names:
/// `features` = conv0, norm0, relu0, pool0, then dense blocks (each layer's input is the concatenation of the block
/// input and every earlier layer's output: BN, ReLU, 1×1 conv to 4·k, BN, ReLU, 3×3 conv to k) joined by transitions
/// (BN, ReLU, 1×1 conv halving the channels, 2×2 average pool), then norm5; the forward applies ReLU after norm5.
/// Default layer `features.norm5` (features[-1], pytorch-grad-cam's documented choice for densenet161): the last spatial map.
/// torchvision's published files name the dense layers' norms "norm.1" (an old layout); <see cref="LegacyKey"/> renames them.
/// </summary>
internal static partial class DenseNet
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec("densenet121", 32, [6, 12, 24, 16], 64, "densenet121-a639ec97.pth");
        yield return Spec("densenet161", 48, [6, 12, 36, 24], 96, "densenet161-8d451a50.pth");
        yield return Spec("densenet169", 32, [6, 12, 32, 32], 64, "densenet169-b2777c0a.pth");
        yield return Spec("densenet201", 32, [6, 12, 48, 32], 64, "densenet201-c1103571.pth");
    }

    private static ModelSpec Spec(string name, long growth, int[] blocks, long initial, string file) =>
        ZooSpecs.ImageNet(name, file, "features.norm5", "classifier.weight", 29, n => new Network(growth, blocks, initial, n))
            with { KeyRenaming = LegacyKey };

    /// <summary>torchvision's _load_state_dict: "…denselayerN.norm.1.weight" → "…denselayerN.norm1.weight" (likewise relu, conv).</summary>
    internal static string LegacyKey(string key) => OldDenseLayerKey().Replace(key, "$1$2");

    [System.Text.RegularExpressions.GeneratedRegex(@"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")]
    private static partial System.Text.RegularExpressions.Regex OldDenseLayerKey();

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly Module<Tensor, Tensor> classifier;

        public Network(long growth, int[] blocks, long initial, int numClasses) : base("DenseNet")
        {
            var layers = new List<(string, Module<Tensor, Tensor>)>
            {
                ("conv0", Conv2d(3, initial, 7, stride: 2, padding: 3, bias: false)),
                ("norm0", BatchNorm2d(initial)),
                ("relu0", ReLU(inplace: true)),
                ("pool0", MaxPool2d(3, stride: 2, padding: 1)),
            };
            var channels = initial;
            for (int i = 0; i < blocks.Length; i++)
            {
                layers.Add(($"denseblock{i + 1}", new DenseBlock(blocks[i], channels, growth)));
                channels += blocks[i] * growth;
                if (i + 1 == blocks.Length) break;
                layers.Add(($"transition{i + 1}", Sequential(
                    ("norm", BatchNorm2d(channels)), ("relu", ReLU(inplace: true)),
                    ("conv", Conv2d(channels, channels / 2, 1, bias: false)), ("pool", AvgPool2d(2, stride: 2)))));
                channels /= 2;
            }
            layers.Add(("norm5", BatchNorm2d(channels)));
            features = Sequential(layers);
            classifier = Linear(channels, numClasses);
            RegisterComponents();
        }

        /// <remarks>
        /// torchvision's F.relu(features, inplace=True) also rectifies the tensor a Python hook on `features.norm5`
        /// keeps (pytorch-grad-cam on the CPU then weights the rectified map; on CUDA its .cpu() copy keeps norm5's own
        /// output). SharpCam's recorder keeps what the layer computed, so the map at norm5 is of norm5's output.
        /// </remarks>
        public override Tensor forward(Tensor input) =>
            classifier.call(functional.adaptive_avg_pool2d(functional.relu(features.call(input)), 1).flatten(1));
    }

    private sealed class DenseBlock : Module<Tensor, Tensor>
    {
        private readonly List<Module<Tensor, Tensor>> layers = [];

        public DenseBlock(int count, long input, long growth) : base("_DenseBlock")
        {
            for (int i = 0; i < count; i++)
            {
                var layer = new DenseLayer(input + i * growth, growth);
                layers.Add(layer);
                register_module($"denselayer{i + 1}", layer);
            }
        }

        public override Tensor forward(Tensor input)
        {
            var features = new List<Tensor> { input };
            foreach (var layer in layers) features.Add(layer.call(cat(features, 1)));
            return cat(features, 1);
        }
    }

    /// <summary>torchvision's _DenseLayer on the already concatenated input (its bn_function's torch.cat is done by the block).</summary>
    private sealed class DenseLayer : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> norm1, relu1, conv1, norm2, relu2, conv2;

        public DenseLayer(long input, long growth) : base("_DenseLayer")
        {
            norm1 = BatchNorm2d(input);
            relu1 = ReLU(inplace: true);
            conv1 = Conv2d(input, 4 * growth, 1, bias: false);
            norm2 = BatchNorm2d(4 * growth);
            relu2 = ReLU(inplace: true);
            conv2 = Conv2d(4 * growth, growth, 3, padding: 1, bias: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            conv2.call(relu2.call(norm2.call(conv1.call(relu1.call(norm1.call(input))))));
    }
}
