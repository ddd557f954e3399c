using SharpCam.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models;

/// <summary>The notebook's LeNet loaded from a checkpoint: the module, the file it came from and what the file said of it.</summary>
public sealed record LoadedLeNet(Module<Tensor, Tensor> Module, string Source, CheckpointMetadata Metadata) : IDisposable
{
    public void Dispose() => Module.Dispose();
}

/// <summary>Builds the notebook's LeNet from a checkpoint (a run's model; <see cref="Loading.RunnableModel"/> for every kind).</summary>
public static class ModelLoader
{
    /// <summary>The notebook's LeNet with the weights of a checkpoint in any supported format, in eval mode.</summary>
    public static LoadedLeNet LoadLeNet(string checkpoint, Device device)
    {
        var (model, loaded) = LeNet.FromCheckpoint(checkpoint);
        model.to(device).eval();
        return new LoadedLeNet(model, checkpoint, loaded.Metadata);
    }
}
