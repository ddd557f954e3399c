namespace SharpCam.Checkpoints;

/// <summary>The checkpoint formats SharpCam reads, named as <see cref="LoadedCheckpoint.Format"/> reports them, and their detection.</summary>
public static class CheckpointFormat
{
    /// <summary>SharpCam's own: TorchSharp's <c>Module.save</c>, with a JSON sidecar (see <see cref="CheckpointStore"/>).</summary>
    public const string TorchSharp = "torchsharp";
    /// <summary><c>torch.save</c> of a state dict, zip format (torch ≥ 1.6).</summary>
    public const string PyTorch = "pytorch";
    /// <summary><c>torch.save</c> of a state dict, legacy non-zip format.</summary>
    public const string PyTorchLegacy = "pytorch-legacy";
    /// <summary>A PyTorch Lightning <c>.ckpt</c> (a <c>torch.save</c> zip holding <c>state_dict</c>, <c>hyper_parameters</c>, …).</summary>
    public const string Lightning = "lightning";
    public const string Safetensors = "safetensors";

    private const string Supported =
        "SharpCam reads, whatever the extension: its own checkpoints (TorchSharp's Module.save, with a .json sidecar), " +
        "PyTorch state dicts saved with torch.save (zip or legacy format, e.g. .pth/.pt), PyTorch Lightning .ckpt files " +
        "and .safetensors files.";

    /// <summary>
    /// The container format of the file by its content, not its extension: <see cref="TorchSharp"/>,
    /// <see cref="PyTorch"/> (also for Lightning, told apart once unpickled), <see cref="PyTorchLegacy"/> or
    /// <see cref="Safetensors"/>. Anything else throws a <see cref="CheckpointReadException"/> listing the supported formats.
    /// </summary>
    public static string Detect(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var head = new byte[16];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5 && head[3] == head[2] + 1) return PyTorch;
        if (SafetensorsFile.HasHeader(head.AsSpan(0, read))) return Safetensors;
        stream.Position = 0;
        if (TorchLegacyCheckpoint.HasMagic(stream, path)) return PyTorchLegacy;
        if (TorchSharpCheckpoint.Matches(stream)) return TorchSharp;
        if (read == 0) throw new CheckpointReadException($"{path} is empty (0 bytes): it is not a checkpoint. {Supported}");
        if (File.Exists(CheckpointStore.MetadataPath(path)))
            throw CheckpointReadException.Damaged(path, "it has a SharpCam sidecar but its TorchSharp weights do not add up to the file's length",
                                                  "save the model again");
        throw new CheckpointReadException($"{path} is not in a checkpoint format SharpCam knows. {Supported}");
    }
}
