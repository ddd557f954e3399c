using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// MNASNet 0.5/0.75/1.0/1.3 (Tan et al., 2019; the B1 variant), a port of torchvision 0.14's mnasnet.py with its module
/// names: `layers` = a stem (3×3 conv, depthwise 3×3, 1×1), six stacks of inverted residuals, a 1×1 conv to 1280 with
/// BN and ReLU; then a global mean and the classifier. Widths are torchvision's _round_to_multiple_of(d · α, 8).
/// Default layer `layers.16`, the final ReLU: the last spatial map before pooling.
/// </summary>
internal static class MNASNet
{
    /// <summary>torchvision's BatchNorm momentum 1 − 0.9997 (TensorFlow's decay), used only in training.</summary>
    private const double Momentum = 1 - 0.9997;

    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec("mnasnet0_5", 0.5, "mnasnet0.5_top1_67.823-3ffadce67e.pth");
        yield return Spec("mnasnet0_75", 0.75, "mnasnet0_75-7090bc5f.pth") with { WeightsResizeSize = 232 };
        yield return Spec("mnasnet1_0", 1.0, "mnasnet1.0_top1_73.512-f206786ef8.pth");
        yield return Spec("mnasnet1_3", 1.3, "mnasnet1_3-a4c69d6f.pth") with { WeightsResizeSize = 232 };
    }

    private static ModelSpec Spec(string name, double alpha, string file) =>
        ZooSpecs.ImageNet(name, file, "layers.16", "classifier.1.weight", 1, n => new Network(alpha, n));

    private static Module<Tensor, Tensor> Norm(long channels) => BatchNorm2d(channels, momentum: Momentum);

    private sealed class Network : Module<Tensor, Tensor>
    {
        private readonly Sequential layers;
        private readonly Sequential classifier;

        public Network(double alpha, int numClasses) : base("MNASNet")
        {
            var d = new long[] { 32, 16, 24, 40, 80, 96, 192, 320 }.Select(c => ZooLayers.MakeDivisible(c * alpha)).ToArray();
            layers = Sequential(
                Conv2d(3, d[0], 3, stride: 2, padding: 1, bias: false), Norm(d[0]), ReLU(inplace: true),
                Conv2d(d[0], d[0], 3, padding: 1, groups: d[0], bias: false), Norm(d[0]), ReLU(inplace: true),
                Conv2d(d[0], d[1], 1, bias: false), Norm(d[1]),
                Stack(d[1], d[2], 3, 2, 3, 3), Stack(d[2], d[3], 5, 2, 3, 3), Stack(d[3], d[4], 5, 2, 6, 3),
                Stack(d[4], d[5], 3, 1, 6, 2), Stack(d[5], d[6], 5, 2, 6, 4), Stack(d[6], d[7], 3, 1, 6, 1),
                Conv2d(d[7], 1280, 1, bias: false), Norm(1280), ReLU(inplace: true));
            classifier = Sequential(Dropout(0.2, inplace: true), Linear(1280, numClasses));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => classifier.call(layers.call(input).mean([2, 3]));

        private static Sequential Stack(long input, long output, long kernel, long stride, long expansion, int repeats) =>
            Sequential(Enumerable.Range(0, repeats).Select(i =>
                (Module<Tensor, Tensor>)new InvertedResidual(i == 0 ? input : output, output, kernel, i == 0 ? stride : 1, expansion)));
    }

    private sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        private readonly Sequential layers;
        private readonly bool residual;

        public InvertedResidual(long input, long output, long kernel, long stride, long expansion) : base("_InvertedResidual")
        {
            var mid = input * expansion;
            layers = Sequential(
                Conv2d(input, mid, 1, bias: false), Norm(mid), ReLU(inplace: true),
                Conv2d(mid, mid, kernel, stride: stride, padding: kernel / 2, groups: mid, bias: false), Norm(mid), ReLU(inplace: true),
                Conv2d(mid, output, 1, bias: false), Norm(output));
            residual = input == output && stride == 1;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => residual ? layers.call(input) + input : layers.call(input);
    }
}
