using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SharpCam.Onnx;

/// <summary>
/// TensorProto → torch tensor: float (and double, as float32) and integer types (as int64), from raw_data, the typed
/// fields, or an external data file beside the model. Other element types are refused with their name.
/// </summary>
internal static class OnnxTensors
{
    /// <param name="modelFolder">The folder external data locations are relative to (the model file's).</param>
    public static Tensor ToTensor(OnnxTensorProto proto, string modelFolder)
    {
        var shape = proto.Dims.ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var raw = proto.IsExternal ? ReadExternal(proto, modelFolder) : proto.RawData;
        Tensor result = proto.DataType switch
        {
            OnnxTensorProto.Float when raw is not null => tensor(FromRaw<float>(raw, count, proto.Name)),
            OnnxTensorProto.Float => tensor(Checked(proto.FloatData.ToArray(), count, proto.Name)),
            OnnxTensorProto.Double when raw is not null => tensor(FromRaw<double>(raw, count, proto.Name)).to(ScalarType.Float32),
            OnnxTensorProto.Double => tensor(Checked(proto.DoubleData.ToArray(), count, proto.Name)).to(ScalarType.Float32),
            OnnxTensorProto.Int64 when raw is not null => tensor(FromRaw<long>(raw, count, proto.Name)),
            OnnxTensorProto.Int64 => tensor(Checked(proto.Int64Data.ToArray(), count, proto.Name)),
            OnnxTensorProto.Int32 when raw is not null => tensor(FromRaw<int>(raw, count, proto.Name)).to(ScalarType.Int64),
            OnnxTensorProto.Int32 or OnnxTensorProto.Int8 or OnnxTensorProto.UInt8 or OnnxTensorProto.Bool when raw is null =>
                tensor(Checked(proto.Int32Data.ToArray(), count, proto.Name)),   // these types live in int32_data
            OnnxTensorProto.Int8 => tensor(FromRaw<sbyte>(raw!, count, proto.Name)).to(ScalarType.Int64),
            OnnxTensorProto.UInt8 or OnnxTensorProto.Bool => tensor(FromRaw<byte>(raw!, count, proto.Name)).to(ScalarType.Int64),
            _ => throw new OnnxFormatException($"tensor '{proto.Name}' has element type {TypeName(proto.DataType)}; " +
                                               "SharpCam reads float, double and integer tensors."),
        };
        return result.reshape(shape);
    }

    public static string TypeName(int type) => type switch
    {
        1 => "float", 2 => "uint8", 3 => "int8", 4 => "uint16", 5 => "int16", 6 => "int32", 7 => "int64", 8 => "string",
        9 => "bool", 10 => "float16", 11 => "double", 12 => "uint32", 13 => "uint64", 16 => "bfloat16", _ => $"#{type}",
    };

    private static T[] FromRaw<T>(byte[] raw, long count, string name) where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (raw.LongLength != count * size)
            throw new OnnxFormatException($"tensor '{name}' holds {raw.LongLength} bytes where its shape needs {count * size}.");
        return MemoryMarshal.Cast<byte, T>(raw).ToArray();
    }

    private static T[] Checked<T>(T[] values, long count, string name)
    {
        if (values.LongLength != count)
            throw new OnnxFormatException($"tensor '{name}' holds {values.LongLength} values where its shape needs {count}.");
        return values;
    }

    /// <summary>
    /// The bytes of an external-data tensor: <c>location</c> (relative to the model's folder, and inside it),
    /// <c>offset</c> and <c>length</c> as the ONNX external-data convention defines them.
    /// </summary>
    private static byte[] ReadExternal(OnnxTensorProto proto, string modelFolder)
    {
        if (!proto.ExternalData.TryGetValue("location", out var location) || location.Length == 0)
            throw new OnnxFormatException($"tensor '{proto.Name}' is marked external but names no location.");
        var folder = Path.GetFullPath(modelFolder);
        var path = Path.GetFullPath(Path.Combine(folder, location));
        if (Path.IsPathRooted(location) || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new OnnxFormatException($"tensor '{proto.Name}' names external data '{location}' outside the model's folder; " +
                                          "SharpCam reads external data only from beside the model.");
        if (!File.Exists(path))
            throw new OnnxFormatException($"external data file {path} (tensor '{proto.Name}') is missing; put it beside the model.");
        long offset = proto.ExternalData.TryGetValue("offset", out var o) ? long.Parse(o) : 0;
        using var stream = File.OpenRead(path);
        long length = proto.ExternalData.TryGetValue("length", out var l) ? long.Parse(l) : stream.Length - offset;
        if (offset < 0 || length < 0 || offset + length > stream.Length)
            throw new OnnxFormatException($"external data file {path} is {stream.Length} bytes, too short for tensor '{proto.Name}' " +
                                          $"(bytes {offset}–{offset + length}): truncated or from another export.");
        var bytes = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }
}
