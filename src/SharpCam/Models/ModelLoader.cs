using SharpCam.Checkpoints;
using SharpCam.Explanation;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models;

/// <summary>A model ready to run: the module, what it is, and the checkpoint it came from.</summary>
public sealed record LoadedModel(Module<Tensor, Tensor> Module, string Architecture, string Source, CheckpointMetadata Metadata) : IDisposable
{
    /// <summary>The manifest's model section for a LeNet on 28×28 digits.</summary>
    public ManifestModel Summary(int numClasses, Device device) => new()
    {
        Architecture = Architecture, Checkpoint = Path.GetFullPath(Source), NumClasses = numClasses, InputSize = [28, 28],
        Device = device.ToString(),
    };

    public void Dispose() => Module.Dispose();
}

/// <summary>Builds the notebook's LeNet from a checkpoint (the CLI's --checkpoint, a run folder's model).</summary>
public static class ModelLoader
{
    /// <summary>The notebook's LeNet with the weights of a checkpoint in any supported format, in eval mode.</summary>
    public static LoadedModel LoadMnistModel(string checkpoint, Device device)
    {
        var (model, loaded) = LeNet.FromCheckpoint(checkpoint);
        model.to(device).eval();
        return new LoadedModel(model, "lenet", checkpoint, loaded.Metadata);
    }
}
