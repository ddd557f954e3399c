using SharpCam.Checkpoints;
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

    /// <summary>The zoo's and the manifests' name for this architecture.</summary>
    public const string Architecture = "lenet";
    public const string HeadWeightKey = "fc.4.weight";
    public static readonly long[] InputShape = { 1, 1, 28, 28 };

    private readonly Sequential conv;
    private readonly Sequential fc;

    public LeNet(int numClasses = 10) : base(nameof(LeNet))
    {
        ModelSpec.CheckNumClasses(numClasses, "The LeNet's class count");
        conv = Sequential(
            Conv2d(1, 6, 5), ReLU(), MaxPool2d(2),
            Conv2d(6, 16, 5), ReLU(), MaxPool2d(2));
        fc = Sequential(
            Linear(256, 120), ReLU(),
            Linear(120, 84), ReLU(),
            Linear(84, numClasses));
        RegisterComponents();
    }

    /// <summary>
    /// A LeNet with the weights of a checkpoint in any supported format. The class count is the row count of the file's
    /// classifier (<c>fc.4.weight</c>, as declared: a .pth says nothing else about itself); keys and shapes are checked
    /// against that LeNet before any tensor data is read. The tensors are copied into the model and released: the
    /// returned checkpoint carries the file's metadata and format, and no tensors.
    /// </summary>
    public static (LeNet Model, LoadedCheckpoint Checkpoint) FromCheckpoint(string path)
    {
        LeNet? model = null;
        try
        {
            var checkpoint = CheckpointLoader.Load(path, declared =>
            {
                var head = declared.FirstOrDefault(kv => kv.Key.EndsWith(HeadWeightKey, StringComparison.Ordinal));
                model = head.Value is [var classes, _]
                    ? new LeNet(ModelSpec.CheckNumClasses(classes, $"{path} ({head.Key} [{string.Join(", ", head.Value)}])"))
                    : new LeNet();
                return CheckpointLoader.ForModel(model, path)(declared);
            });
            var tensors = StateDict.FitPrefix(model!, checkpoint.Tensors);
            using (NewDisposeScope())
            {
                StateDict.Load(model!, tensors, path);
                foreach (var tensor in tensors.Values) tensor.Dispose();
            }
            return (model!, checkpoint with { Tensors = new Dictionary<string, Tensor>() });
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    /// <summary>The digits must be [N, 1, 28, 28]: any other size fails here, naming it, not deep in a matrix product.</summary>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != InputShape[1] || input.shape[2] != InputShape[2] || input.shape[3] != InputShape[3])
            throw new ArgumentException(
                $"LeNet takes grey 28×28 digits, a batch of shape [N, 1, 28, 28]; it was given [{string.Join(", ", input.shape)}]. " +
                "Use MNIST-format data of 28×28 images (MNIST, Fashion-MNIST), or resize them to 28×28.");
        return fc.call(conv.call(input).flatten(1));
    }
}
