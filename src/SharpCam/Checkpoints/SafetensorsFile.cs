using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SharpCam.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Checkpoints;

/// <summary>The tensors of a .safetensors file, in file order, and its free-form <c>__metadata__</c> strings.</summary>
public sealed record SafetensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The .safetensors format: an 8-byte little-endian header length N, N bytes of JSON (per tensor: dtype, shape and
/// [begin, end) byte offsets into the data that follows; optional <c>__metadata__</c> string map; padded with spaces),
/// then the tensors' raw little-endian bytes in C order, with no gaps.
/// </summary>
public static class SafetensorsFile
{
    public const string MetadataKey = "__metadata__";
    private const long MaxHeaderLength = 100_000_000;

    private static readonly Dictionary<ScalarType, string> DTypeNames = new()
    {
        [ScalarType.Float64] = "F64", [ScalarType.Float32] = "F32", [ScalarType.Float16] = "F16", [ScalarType.BFloat16] = "BF16",
        [ScalarType.Int64] = "I64", [ScalarType.Int32] = "I32", [ScalarType.Int16] = "I16", [ScalarType.Int8] = "I8",
        [ScalarType.Byte] = "U8", [ScalarType.Bool] = "BOOL",
    };
    private static readonly Dictionary<string, ScalarType> DTypes = DTypeNames.ToDictionary(kv => kv.Value, kv => kv.Key);

    private sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>Writes the tensors (moved to the CPU, C order) atomically: readers never see a half-written file.</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var unsupported = tensors.Where(kv => !DTypeNames.ContainsKey(kv.Value.dtype)).Select(kv => $"{kv.Key} ({kv.Value.dtype})").ToList();
        if (unsupported.Count > 0)
            throw new ArgumentException($"Cannot write {path}: safetensors has no dtype for {string.Join(", ", unsupported)}.", nameof(tensors));
        if (tensors.ContainsKey(MetadataKey)) throw new ArgumentException($"Cannot write {path}: '{MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
        var header = Header(tensors, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var tensor in tensors.Values) RawTensorData.Write(stream, tensor);
        });
    }

    /// <summary>Reads every tensor; the header is checked in full (dtypes, shapes, offsets without gaps) before any data is read.</summary>
    /// <param name="select">Picks the tensors to read from the declared shapes (default: all).</param>
    public static SafetensorsContent Load(string path, TensorSelector? select = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var (entries, metadata, dataStart) = ReadHeader(stream, path);
        var wanted = CheckpointLoader.Selected(select, entries.ToDictionary(e => e.Name, e => e.Shape));
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var entry in entries.Where(e => wanted.Contains(e.Name)))
        {
            stream.Position = dataStart + entry.Begin;
            tensors[entry.Name] = RawTensorData.Read(stream, entry.DType, entry.Shape).MoveToOuterDisposeScope();
        }
        return new SafetensorsContent(tensors, metadata);
    }

    /// <summary>
    /// Whether the first bytes look like a safetensors header: an 8-byte length and then the JSON object's start
    /// (<c>{"</c> or <c>{}</c>). The length is not compared with the file here, so a file cut short inside its header is
    /// reported as that by <see cref="Load"/>, not as an unknown format.
    /// </summary>
    internal static bool HasHeader(ReadOnlySpan<byte> head) =>
        head.Length >= 10 && head[8] == (byte)'{' && head[9] is (byte)'"' or (byte)'}' && BinaryPrimitives.ReadUInt64LittleEndian(head) >= 2;

    private static byte[] Header(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                long size = tensor.numel() * tensor.dtype.ElementSize();
                writer.WriteStartObject(name);
                writer.WriteString("dtype", DTypeNames[tensor.dtype]);
                writer.WriteStartArray("shape");
                foreach (var d in tensor.shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset += size);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        int padding = (int)((8 - json.Length % 8) % 8);
        json.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return json.ToArray();
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(Stream stream, string path)
    {
        var lengthBytes = new byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8) throw Damaged(path, "it is shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
            throw Damaged(path, $"its header length ({headerLength:N0} bytes) is more than safetensors allows ({MaxHeaderLength:N0})");
        if ((long)headerLength > stream.Length - 8)
            throw Damaged(path, $"its header says it is {headerLength:N0} bytes long, but only {stream.Length - 8:N0} bytes follow the length field");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>();
        try
        {
            using var document = JsonDocument.Parse(header);
            var names = new HashSet<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Damaged(path, $"its header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    foreach (var item in property.Value.EnumerateObject()) metadata[item.Name] = item.Value.GetString()!;
                else
                    entries.Add(ParseEntry(property, path));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException or OverflowException)
        {
            throw Damaged(path, $"its header is not valid safetensors JSON ({e.Message})", e);
        }
        long dataStart = 8 + (long)headerLength;
        CheckLayout(entries, stream.Length - dataStart, path);
        return (entries.OrderBy(e => e.Begin).ToList(), metadata, dataStart);
    }

    private static Entry ParseEntry(JsonProperty property, string path)
    {
        var value = property.Value;
        var dtypeName = value.GetProperty("dtype").GetString()!;
        if (!DTypes.TryGetValue(dtypeName, out var dtype))
            throw new CheckpointReadException($"Cannot read {path}: tensor '{property.Name}' has dtype {dtypeName}, which SharpCam does not read " +
                                              $"(it reads {string.Join(", ", DTypes.Keys)}). Convert that tensor in Python before saving.");
        var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (offsets.Length != 2 || shape.Any(d => d < 0)) throw Damaged(path, $"tensor '{property.Name}' has a malformed shape or data_offsets");
        long size = shape.Aggregate((long)dtype.ElementSize(), (a, d) => checked(a * d));
        if (offsets[1] - offsets[0] != size)
            throw Damaged(path, $"tensor '{property.Name}' spans {offsets[1] - offsets[0]} bytes but its shape and dtype need {size}");
        return new Entry(property.Name, dtype, shape, offsets[0], offsets[1]);
    }

    /// <summary>The spec's rule: the tensors tile the data exactly, from 0 to its end, with no gaps or overlaps.</summary>
    private static void CheckLayout(List<Entry> entries, long dataLength, string path)
    {
        long next = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            if (entry.Begin != next) throw Damaged(path, $"tensor '{entry.Name}' starts at byte {entry.Begin} of the data, not at {next}");
            next = entry.End;
        }
        if (next != dataLength) throw Damaged(path, $"its tensors cover {next} bytes of data but the file holds {dataLength}");
    }

    private static CheckpointReadException Damaged(string path, string problem, Exception? inner = null) =>
        CheckpointReadException.Damaged(path, problem, "write it again (e.g. with safetensors.torch.save_file)", inner);
}
