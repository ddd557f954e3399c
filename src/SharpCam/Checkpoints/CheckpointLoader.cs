using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Checkpoints;

/// <summary>
/// A checkpoint read from disk: its tensors by state-dict key (the caller owns them), what it says about itself, and
/// its <see cref="CheckpointFormat"/> name.
/// </summary>
public sealed record LoadedCheckpoint(IReadOnlyDictionary<string, Tensor> Tensors, CheckpointMetadata Metadata, string Format);

/// <summary>Reads model weights from any supported file (detected by content) and loads them into models.</summary>
public static class CheckpointLoader
{
    /// <summary>
    /// Reads every tensor of a checkpoint's state dict (for a Lightning .ckpt, its <c>state_dict</c>, keys as stored).
    /// PyTorch pickles are read by SharpCam's own allow-listed unpickler: a file that names any other Python global
    /// throws <see cref="UnsafeCheckpointException"/> before a single tensor exists.
    /// </summary>
    public static LoadedCheckpoint Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint file not found: {path} (full path {Path.GetFullPath(path)}). Check the path.", path);
        return CheckpointFormat.Detect(path) switch
        {
            CheckpointFormat.TorchSharp => TorchSharpCheckpoint.Read(path),
            CheckpointFormat.PyTorch => TorchZipCheckpoint.Read(path),
            CheckpointFormat.PyTorchLegacy => TorchLegacyCheckpoint.Read(path),
            _ => FromSafetensors(path),
        };
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/>. Keys and shapes must match exactly, except that a prefix shared
    /// by every key (e.g. Lightning's <c>model.</c>) is dropped when that makes the keys fit. On any error the model is
    /// unchanged. Returns the checkpoint with the keys as loaded.
    /// </summary>
    public static LoadedCheckpoint LoadInto(Module model, string path)
    {
        var checkpoint = Load(path);
        var tensors = StateDict.FitPrefix(model, checkpoint.Tensors);
        try
        {
            StateDict.Load(model, tensors, path);
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        return checkpoint with { Tensors = tensors };
    }

    private static LoadedCheckpoint FromSafetensors(string path) =>
        new(SafetensorsFile.Load(path).Tensors, new CheckpointMetadata { Format = CheckpointFormat.Safetensors }, CheckpointFormat.Safetensors);
}
