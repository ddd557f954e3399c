using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using SharpCam.Checkpoints.Pickle;
using TorchSharp;

namespace SharpCam.Checkpoints;

/// <summary>
/// <c>torch.save</c>'s legacy format (<c>_use_new_zipfile_serialization=False</c>, the default before torch 1.6): five
/// pickles in a row (magic number, protocol version 1001, system info, the object, the sorted storage keys), then each
/// storage as an int64 element count and its raw little-endian bytes.
/// </summary>
internal static class TorchLegacyCheckpoint
{
    private static readonly BigInteger Magic = BigInteger.Parse("1950a86a20f9469cfc6c", NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    /// <summary>Whether the stream starts with the legacy format's magic-number pickle.</summary>
    public static bool HasMagic(Stream stream, string path)
    {
        int proto = stream.ReadByte(), version = stream.ReadByte();
        stream.Position = 0;
        if (proto != 0x80 || version is < 2 or > 5) return false;
        try
        {
            return PickleMachine.Load(stream, path) is BigInteger magic && magic == Magic;
        }
        catch (CheckpointReadException e) when (e is not UnsafeCheckpointException)
        {
            return false;
        }
    }

    public static LoadedCheckpoint Read(string path, TensorSelector? select = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (!HasMagic(stream, path)) throw CheckpointReadException.Damaged(path, "it does not start with torch's magic number");
        if (PickleMachine.Load(stream, path) is not ProtocolVersion)
            throw CheckpointReadException.Damaged(path, "its legacy protocol version is not 1001");
        if (PickleMachine.Load(stream, path) is not Dictionary<object, object?> systemInfo || systemInfo.GetValueOrDefault("little_endian") is not true)
            throw new CheckpointReadException($"{path} was written by torch on a big-endian machine in the legacy format, which SharpCam " +
                                              "does not read. Re-save it with a current torch (zip format): torch.save(torch.load(path), path).");
        var storages = new Dictionary<string, StorageRef>();
        var contents = TorchPickleContents.Interpret(PickleMachine.Load(stream, path, storages), path, CheckpointFormat.PyTorchLegacy);
        var offsets = StorageOffsets(stream, PickleMachine.Load(stream, path), storages, path);
        var tensors = StorageViews.Materialize(contents.StateDict, select, storage =>
        {
            stream.Position = offsets[storage.Key];
            return RawTensorData.Read(stream, storage.DType, new[] { storage.Numel });
        }, path);
        return new LoadedCheckpoint(tensors, contents.Metadata, contents.Metadata.Format!);
    }

    /// <summary>Where each storage's bytes start, found by walking the element counts (no data is read).</summary>
    private static Dictionary<string, long> StorageOffsets(Stream stream, object? keyList, Dictionary<string, StorageRef> storages, string path)
    {
        if (keyList is not List<object?> keys || keys.Any(k => k is not string key || !storages.ContainsKey(key)) || keys.Count != storages.Count)
            throw CheckpointReadException.Damaged(path, "its list of storages does not match the storages its pickle uses");
        var offsets = new Dictionary<string, long>();
        var count = new byte[8];
        foreach (var key in keys.Cast<string>())
        {
            if (stream.ReadAtLeast(count, 8, throwOnEndOfStream: false) < 8
                || BinaryPrimitives.ReadInt64LittleEndian(count) != storages[key].Numel)
                throw CheckpointReadException.Damaged(path, $"storage {key} does not have the {storages[key].Numel} elements its pickle says");
            offsets[key] = stream.Position;
            if (StorageViews.ByteLength(storages[key], path) > stream.Length - stream.Position)
                throw CheckpointReadException.Damaged(path, $"it ends inside storage {key}");
            stream.Position += StorageViews.ByteLength(storages[key], path);
        }
        return offsets;
    }
}
