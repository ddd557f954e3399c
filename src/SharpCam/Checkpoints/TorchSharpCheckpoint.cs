using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Checkpoints;

/// <summary>
/// TorchSharp's <c>Module.save</c> format, read without a module: a LEB128 entry count, then per entry the key
/// (BinaryWriter string: 7-bit length + UTF-8), the dtype, the rank and each dimension (LEB128 each), and the raw
/// bytes in C order. The format has no magic number, so a file counts as one only if its entries account for every
/// byte, exactly.
/// </summary>
internal static class TorchSharpCheckpoint
{
    private const int MaxRank = 64;
    private const long MaxEntries = 1_000_000;

    private sealed record Entry(string Key, ScalarType DType, long[] Shape, long DataOffset);

    /// <summary>Whether the stream holds exactly one TorchSharp state dict.</summary>
    public static bool Matches(Stream stream) => Index(stream) is not null;

    public static LoadedCheckpoint Read(string path, TensorSelector? select = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var entries = Index(stream) ?? throw CheckpointReadException.Damaged(path, "its TorchSharp entries do not add up to the file's length",
                                                                              "save the model again");
        // The sidecar first: a caller's selector refuses keys that do not fit its model, and a damaged sidecar must be
        // reported as itself, not as whatever the weights beside it lack.
        var metadata = (CheckpointStore.ReadMetadata(path) ?? new CheckpointMetadata()) with { Format = CheckpointFormat.TorchSharp };
        var wanted = CheckpointLoader.Selected(select, Declared(entries, path));
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var entry in entries.Where(e => wanted.Contains(e.Key)))
        {
            stream.Position = entry.DataOffset;
            tensors[entry.Key] = RawTensorData.Read(stream, entry.DType, entry.Shape).MoveToOuterDisposeScope();
        }
        return new LoadedCheckpoint(tensors, metadata, CheckpointFormat.TorchSharp);
    }

    private static Dictionary<string, long[]> Declared(List<Entry> entries, string path)
    {
        var declared = new Dictionary<string, long[]>();
        foreach (var entry in entries)
            if (!declared.TryAdd(entry.Key, entry.Shape)) throw CheckpointReadException.Damaged(path, $"it holds '{entry.Key}' twice", "save the model again");
        return declared;
    }

    /// <summary>The entries and where their data starts, or null when the bytes are not (all) a TorchSharp state dict.</summary>
    private static List<Entry>? Index(Stream stream)
    {
        stream.Position = 0;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            long count = Leb128(reader);
            if (count > MaxEntries) return null;
            var entries = new List<Entry>();
            for (long i = 0; i < count; i++)
            {
                // BinaryWriter's string (7-bit length, UTF-8), read here so that a length beyond the file, which
                // BinaryReader.ReadString reports as a plain IOException, means "not a TorchSharp file".
                int keyLength = reader.Read7BitEncodedInt();
                if (keyLength < 0 || keyLength > stream.Length - stream.Position) return null;
                var key = Encoding.UTF8.GetString(reader.ReadBytes(keyLength));
                var dtype = (ScalarType)Leb128(reader);
                if (!IsReadable(dtype)) return null;
                long rank = Leb128(reader);
                if (rank > MaxRank) return null;
                var shape = new long[rank];
                long bytes = dtype.ElementSize();
                for (int d = 0; d < rank; d++) bytes = checked(bytes * (shape[d] = Leb128(reader)));
                entries.Add(new Entry(key, dtype, shape, stream.Position));
                if (bytes > stream.Length - stream.Position) return null;
                stream.Position += bytes;
            }
            return stream.Position == stream.Length ? entries : null;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or OverflowException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsReadable(ScalarType dtype) => dtype is ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32
        or ScalarType.Int64 or ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool or ScalarType.BFloat16
        or ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64;

    /// <summary>An unsigned LEB128 number as TorchSharp writes it (at most 9 bytes for a non-negative long).</summary>
    private static long Leb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("LEB128 number longer than 9 bytes");
    }
}
