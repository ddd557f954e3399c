namespace SharpCam.Onnx;

// The parts of ONNX's protobuf schema (onnx/onnx.proto, IR version 3 onwards) that rebuilding an image classifier
// needs, read with ProtoReader. Field numbers are the spec's; fields not listed are skipped.

/// <summary>ModelProto: the IR version, the default-domain opset and the graph.</summary>
internal sealed record OnnxModelProto(long IrVersion, long Opset, string Producer, OnnxGraphProto Graph)
{
    public static OnnxModelProto Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        long ir = 0, opset = -1;
        string producer = "";
        OnnxGraphProto? graph = null;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == ProtoReader.Varint: ir = reader.ReadInt64(); break;
                case 2 when wire == ProtoReader.LengthDelimited: producer = reader.ReadString(); break;
                case 7 when wire == ProtoReader.LengthDelimited: graph = OnnxGraphProto.Parse(reader.ReadBytes()); break;
                case 8 when wire == ProtoReader.LengthDelimited:
                    var (domain, version) = ParseOpset(reader.ReadBytes());
                    if (domain is "" or "ai.onnx") opset = version;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        if (graph is null) throw new OnnxFormatException("it has no graph (not an ONNX model, or corrupt)");
        // IR version 1/2 files name no opset; their operators are opset 1.
        return new OnnxModelProto(ir, opset < 0 ? 1 : opset, producer, graph);
    }

    private static (string Domain, long Version) ParseOpset(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var (domain, version) = ("", 0L);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == ProtoReader.LengthDelimited) domain = reader.ReadString();
            else if (field == 2 && wire == ProtoReader.Varint) version = reader.ReadInt64();
            else reader.Skip(wire);
        }
        return (domain, version);
    }
}

/// <summary>GraphProto: nodes in topological order, initializers, inputs and outputs.</summary>
internal sealed record OnnxGraphProto(IReadOnlyList<OnnxNodeProto> Nodes, IReadOnlyList<OnnxTensorProto> Initializers,
                                      IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs)
{
    public static OnnxGraphProto Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var (nodes, initializers, inputs, outputs) = (new List<OnnxNodeProto>(), new List<OnnxTensorProto>(),
                                                      new List<OnnxValueInfo>(), new List<OnnxValueInfo>());
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (wire != ProtoReader.LengthDelimited) { reader.Skip(wire); continue; }
            switch (field)
            {
                case 1: nodes.Add(OnnxNodeProto.Parse(reader.ReadBytes())); break;
                case 5: initializers.Add(OnnxTensorProto.Parse(reader.ReadBytes())); break;
                case 11: inputs.Add(OnnxValueInfo.Parse(reader.ReadBytes())); break;
                case 12: outputs.Add(OnnxValueInfo.Parse(reader.ReadBytes())); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxGraphProto(nodes, initializers, inputs, outputs);
    }
}

/// <summary>NodeProto: one operator call. Empty input names are omitted optional inputs.</summary>
internal sealed record OnnxNodeProto(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs,
                                     IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    public static OnnxNodeProto Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var (name, op, domain) = ("", "", "");
        var (inputs, outputs, attributes) = (new List<string>(), new List<string>(), new Dictionary<string, OnnxAttribute>());
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (wire != ProtoReader.LengthDelimited) { reader.Skip(wire); continue; }
            switch (field)
            {
                case 1: inputs.Add(reader.ReadString()); break;
                case 2: outputs.Add(reader.ReadString()); break;
                case 3: name = reader.ReadString(); break;
                case 4: op = reader.ReadString(); break;
                case 5: var a = OnnxAttribute.Parse(reader.ReadBytes()); attributes[a.Name] = a; break;
                case 7: domain = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNodeProto(name, op, domain, inputs, outputs, attributes);
    }
}

/// <summary>AttributeProto, for the kinds operators of image classifiers use: float(s), int(s), string(s), tensor.</summary>
internal sealed record OnnxAttribute(string Name, float? F, long? I, string? S, OnnxTensorProto? T,
                                     IReadOnlyList<float> Floats, IReadOnlyList<long> Ints)
{
    public static OnnxAttribute Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string name = "";
        float? f = null; long? i = null; string? s = null; OnnxTensorProto? t = null;
        var (floats, ints) = (new List<float>(), new List<long>());
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == ProtoReader.LengthDelimited: name = reader.ReadString(); break;
                case 2 when wire == ProtoReader.Fixed32: f = reader.ReadFloat(); break;
                case 3 when wire == ProtoReader.Varint: i = reader.ReadInt64(); break;
                case 4 when wire == ProtoReader.LengthDelimited: s = reader.ReadString(); break;
                case 5 when wire == ProtoReader.LengthDelimited: t = OnnxTensorProto.Parse(reader.ReadBytes()); break;
                case 7: reader.ReadFloats(wire, floats); break;
                case 8: reader.ReadInt64s(wire, ints); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxAttribute(name, f, i, s, t, floats, ints);
    }
}

/// <summary>TensorProto: shape, element type and the data, inline (raw_data or a typed field) or external.</summary>
internal sealed record OnnxTensorProto(string Name, IReadOnlyList<long> Dims, int DataType, byte[]? RawData,
                                       IReadOnlyList<float> FloatData, IReadOnlyList<long> Int64Data, IReadOnlyList<long> Int32Data,
                                       IReadOnlyList<double> DoubleData, IReadOnlyDictionary<string, string> ExternalData,
                                       bool IsExternal)
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6, Int64 = 7, Bool = 9, Double = 11;

    public static OnnxTensorProto Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string name = "";
        int type = 0;
        byte[]? raw = null;
        bool external = false;
        var (dims, floats, int64s, int32s, doubles) = (new List<long>(), new List<float>(), new List<long>(), new List<long>(), new List<double>());
        var externalData = new Dictionary<string, string>();
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.ReadInt64s(wire, dims); break;
                case 2 when wire == ProtoReader.Varint: type = (int)reader.ReadInt64(); break;
                case 4: reader.ReadFloats(wire, floats); break;
                case 5: reader.ReadInt64s(wire, int32s); break;   // int32_data: varints, as int64 here
                case 7: reader.ReadInt64s(wire, int64s); break;
                case 8 when wire == ProtoReader.LengthDelimited: name = reader.ReadString(); break;
                case 9 when wire == ProtoReader.LengthDelimited: raw = reader.ReadBytes().ToArray(); break;
                case 10: reader.ReadDoubles(wire, doubles); break;
                case 13 when wire == ProtoReader.LengthDelimited:
                    var (key, value) = ParseEntry(reader.ReadBytes());
                    externalData[key] = value;
                    break;
                case 14 when wire == ProtoReader.Varint: external = reader.ReadInt64() == 1; break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxTensorProto(name, dims, type, raw, floats, int64s, int32s, doubles, externalData, external);
    }

    private static (string, string) ParseEntry(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var (key, value) = ("", "");
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == ProtoReader.LengthDelimited) key = reader.ReadString();
            else if (field == 2 && wire == ProtoReader.LengthDelimited) value = reader.ReadString();
            else reader.Skip(wire);
        }
        return (key, value);
    }
}

/// <summary>ValueInfoProto of a tensor: its name and shape; a dimension is a number, or null when symbolic/unknown.</summary>
internal sealed record OnnxValueInfo(string Name, int ElementType, IReadOnlyList<long?>? Shape)
{
    public static OnnxValueInfo Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string name = "";
        var (elementType, shape) = (0, (List<long?>?)null);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == ProtoReader.LengthDelimited) name = reader.ReadString();
            else if (field == 2 && wire == ProtoReader.LengthDelimited) (elementType, shape) = ParseType(reader.ReadBytes());
            else reader.Skip(wire);
        }
        return new OnnxValueInfo(name, elementType, shape);
    }

    // TypeProto.tensor_type (1) → TypeProto.Tensor { elem_type 1, shape 2 } → TensorShapeProto { dim 1 } →
    // Dimension { dim_value 1, dim_param 2 }.
    private static (int, List<long?>?) ParseType(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var (elementType, shape) = (0, (List<long?>?)null);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field != 1 || wire != ProtoReader.LengthDelimited) { reader.Skip(wire); continue; }
            var tensor = new ProtoReader(reader.ReadBytes());
            while (!tensor.AtEnd)
            {
                var (f, w) = tensor.ReadTag();
                if (f == 1 && w == ProtoReader.Varint) elementType = (int)tensor.ReadInt64();
                else if (f == 2 && w == ProtoReader.LengthDelimited) shape = ParseShape(tensor.ReadBytes());
                else tensor.Skip(w);
            }
        }
        return (elementType, shape);
    }

    private static List<long?> ParseShape(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var dims = new List<long?>();
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field != 1 || wire != ProtoReader.LengthDelimited) { reader.Skip(wire); continue; }
            var dim = new ProtoReader(reader.ReadBytes());
            long? value = null;
            while (!dim.AtEnd)
            {
                var (f, w) = dim.ReadTag();
                if (f == 1 && w == ProtoReader.Varint) value = dim.ReadInt64();
                else dim.Skip(w);
            }
            dims.Add(value is > 0 ? value : null);
        }
        return dims;
    }
}
