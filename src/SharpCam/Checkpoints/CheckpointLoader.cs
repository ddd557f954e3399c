using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Checkpoints;

/// <summary>A checkpoint read from disk: its tensors by state-dict key, what it says about itself, and its format.</summary>
public sealed record LoadedCheckpoint(IReadOnlyDictionary<string, Tensor> Tensors, CheckpointMetadata Metadata, string Format);

/// <summary>Reads model weights from any supported file and loads them into models.</summary>
public static class CheckpointLoader
{
    /// <summary>Reads every tensor of a checkpoint file.</summary>
    public static LoadedCheckpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint file not found: {path}", path);
        var tensors = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in PyTorchUnpickler.UnpickleStateDict(path))
            tensors[(string)entry.Key] = (Tensor)entry.Value!;
        return new LoadedCheckpoint(tensors, new CheckpointMetadata(), "pytorch");
    }

    /// <summary>Loads a checkpoint into <paramref name="model"/>; keys and shapes must match exactly.</summary>
    public static LoadedCheckpoint LoadInto(Module model, string path)
    {
        var checkpoint = Load(path);
        StateDict.Load(model, checkpoint.Tensors, path);
        return checkpoint;
    }
}
