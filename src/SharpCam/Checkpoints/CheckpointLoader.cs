using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Checkpoints;

/// <summary>
/// A checkpoint read from disk: its tensors by state-dict key (the caller owns them), what it says about itself, and
/// its <see cref="CheckpointFormat"/> name.
/// </summary>
public sealed record LoadedCheckpoint(IReadOnlyDictionary<string, Tensor> Tensors, CheckpointMetadata Metadata, string Format);

/// <summary>
/// Chooses, from the tensors a checkpoint declares (key → shape; no data has been read yet), the keys to read, or
/// throws to refuse the file. This is how a caller that knows its model rejects unwanted keys and wrong shapes before
/// a single byte of tensor data is allocated.
/// </summary>
public delegate IEnumerable<string> TensorSelector(IReadOnlyDictionary<string, long[]> declared);

/// <summary>Reads model weights from any supported file (detected by content) and loads them into models.</summary>
public static class CheckpointLoader
{
    /// <summary>
    /// Reads the tensors of a checkpoint's state dict (for a Lightning .ckpt, its <c>state_dict</c>, keys as stored):
    /// all of them, or those <paramref name="select"/> picks once the declared shapes are known.
    /// PyTorch pickles are read by SharpCam's own allow-listed unpickler: a file that names any other Python global
    /// throws <see cref="UnsafeCheckpointException"/> before a single tensor exists.
    /// </summary>
    public static LoadedCheckpoint Load(string path, TensorSelector? select = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint file not found: {path} (full path {Path.GetFullPath(path)}). Check the path.", path);
        return CheckpointFormat.Detect(path) switch
        {
            CheckpointFormat.TorchSharp => TorchSharpCheckpoint.Read(path, select),
            CheckpointFormat.PyTorch => TorchZipCheckpoint.Read(path, select),
            CheckpointFormat.PyTorchLegacy => TorchLegacyCheckpoint.Read(path, select),
            _ => FromSafetensors(path, select),
        };
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/>. Keys and shapes must match exactly, except that a prefix shared
    /// by every key (e.g. Lightning's <c>model.</c>) is dropped when that makes the keys fit; this is checked on the
    /// declared shapes, before any tensor data is read. On any error the model is unchanged. Returns the checkpoint
    /// with the keys as loaded.
    /// </summary>
    public static LoadedCheckpoint LoadInto(Module model, string path)
    {
        var checkpoint = Load(path, ForModel(model, path));
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

    /// <summary>
    /// A selector that accepts a file only when its declared keys and shapes fit <paramref name="model"/> (after
    /// <see cref="StateDict.FitPrefix"/>), and then reads every key; <paramref name="optional"/> keys may be absent or extra
    /// (extra ones are not read).
    /// </summary>
    public static TensorSelector ForModel(Module model, string path, Func<string, bool>? optional = null) => declared =>
    {
        var prefix = StateDict.SharedPrefix(model, declared.Keys, optional);
        var own = model.state_dict();
        var wanted = declared.Keys.Where(k => optional?.Invoke(k[prefix.Length..]) != true || own.ContainsKey(k[prefix.Length..])).ToList();
        var shapes = wanted.ToDictionary(k => k[prefix.Length..], k => declared[k]);
        foreach (var (key, value) in own)
            if (optional?.Invoke(key) == true) shapes.TryAdd(key, value.shape);   // an absent optional key keeps the model's value
        StateDict.Check(model, shapes, path);
        return wanted;
    };

    /// <summary>The keys to read: all when there is no selector; a selection naming an undeclared key is a programming error.</summary>
    internal static HashSet<string> Selected(TensorSelector? select, IReadOnlyDictionary<string, long[]> declared)
    {
        if (select is null) return declared.Keys.ToHashSet();
        var keys = select(declared).ToHashSet();
        if (keys.FirstOrDefault(k => !declared.ContainsKey(k)) is { } unknown)
            throw new InvalidOperationException($"The tensor selector chose '{unknown}', which the checkpoint does not declare.");
        return keys;
    }

    private static LoadedCheckpoint FromSafetensors(string path, TensorSelector? select) =>
        new(SafetensorsFile.Load(path, select).Tensors, new CheckpointMetadata { Format = CheckpointFormat.Safetensors }, CheckpointFormat.Safetensors);
}
