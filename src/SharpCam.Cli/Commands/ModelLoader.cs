using SharpCam.Checkpoints;
using SharpCam.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cli.Commands;

/// <summary>A model ready to run: the module, what it is, and the checkpoint it came from.</summary>
public sealed record LoadedModel(Module<Tensor, Tensor> Module, string Architecture, string Source, CheckpointMetadata Metadata) : IDisposable
{
    public void Dispose() => Module.Dispose();
}

/// <summary>Builds models from the CLI's --checkpoint / --model / --weights options.</summary>
public static class ModelLoader
{
    /// <summary>The notebook's LeNet with the weights of a checkpoint in any supported format, in eval mode.</summary>
    public static LoadedModel LoadMnistModel(string checkpoint, Device device)
    {
        var loaded = CheckpointLoader.Load(checkpoint);
        var numClasses = loaded.Tensors.TryGetValue("fc.4.weight", out var head) ? (int)head.shape[0] : loaded.Metadata.NumClasses;
        var model = new LeNet(numClasses);
        StateDict.Load(model, loaded.Tensors, checkpoint);
        model.to(device).eval();
        return new LoadedModel(model, "lenet", checkpoint, loaded.Metadata);
    }
}
