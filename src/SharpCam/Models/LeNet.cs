using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace SharpCam.Models;

/// <summary>
/// The course notebook's LeNet for 28×28 grey digits, with PyTorch's module names (`conv.0` … `fc.4`) so state dicts
/// interchange with the notebook's. Forward: fc(flatten(conv(x))). Grad-CAM's layer is `conv.4`, the ReLU before the
/// last max-pool (16×8×8).
/// </summary>
public sealed class LeNet : Module<Tensor, Tensor>
{
    public const string DefaultTargetLayer = "conv.4";
    public static readonly long[] InputShape = { 1, 1, 28, 28 };

    private readonly Sequential conv;
    private readonly Sequential fc;

    public LeNet(int numClasses = 10) : base(nameof(LeNet))
    {
        conv = Sequential(
            Conv2d(1, 6, 5), ReLU(), MaxPool2d(2),
            Conv2d(6, 16, 5), ReLU(), MaxPool2d(2));
        fc = Sequential(
            Linear(256, 120), ReLU(),
            Linear(120, 84), ReLU(),
            Linear(84, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => fc.call(conv.call(input).flatten(1));
}
