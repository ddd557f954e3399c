using System.Runtime.InteropServices;
using System.Buffers.Binary;
using System.Text;

namespace SharpCam.Onnx;

/// <summary>
/// A forward-only reader of the protocol-buffers wire format (varints, fixed 32/64-bit, length-delimited), over one
/// message's bytes. Enough to read ONNX files field by field; every read is bounds-checked, so a truncated or corrupt
/// file fails with <see cref="OnnxFormatException"/> instead of reading past the end.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    public readonly bool AtEnd => _position >= _bytes.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = (int)(tag >> 3);
        if (field <= 0) throw Corrupt($"field number {field}");
        return (field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _bytes.Length) throw Truncated();
            var b = _bytes[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Corrupt("a varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_bytes.Length - _position)) throw Truncated();
        return Take((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Skips a field of any wire type (ONNX fields this reader does not need).</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Take(4); break;
            default: throw Corrupt($"wire type {wireType}");
        }
    }

    /// <summary>A repeated int64 field: packed (one length-delimited run) or one varint per occurrence.</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == Varint) { into.Add(ReadInt64()); return; }
        Expect(wireType, LengthDelimited);
        var packed = new ProtoReader(ReadBytes());
        while (!packed.AtEnd) into.Add(packed.ReadInt64());
    }

    /// <summary>
    /// A repeated float field: packed or one fixed32 per occurrence. A packed run is copied as a block (the wire format
    /// is little-endian float32): a CNTK export keeps all its weights here, 11 million values for the featurizer.
    /// </summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == Fixed32) { into.Add(ReadFloat()); return; }
        Expect(wireType, LengthDelimited);
        var packed = ReadBytes();
        if (packed.Length % 4 != 0) throw Truncated();
        var start = into.Count;
        CollectionsMarshal.SetCount(into, start + packed.Length / 4);
        var target = CollectionsMarshal.AsSpan(into)[start..];
        if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(packed).CopyTo(target);
        else
            for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadSingleLittleEndian(packed[(4 * i)..]);
    }

    /// <summary>A repeated double field: packed or one fixed64 per occurrence.</summary>
    public void ReadDoubles(int wireType, List<double> into)
    {
        if (wireType == Fixed64) { into.Add(ReadDouble()); return; }
        Expect(wireType, LengthDelimited);
        var packed = new ProtoReader(ReadBytes());
        while (!packed.AtEnd) into.Add(packed.ReadDouble());
    }

    public static void Expect(int wireType, int expected)
    {
        if (wireType != expected) throw Corrupt($"wire type {wireType} where {expected} was expected");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _bytes.Length - _position) throw Truncated();
        var span = _bytes.Slice(_position, count);
        _position += count;
        return span;
    }

    private static OnnxFormatException Truncated() => new("the data ends in the middle of a field (truncated file?)");

    private static OnnxFormatException Corrupt(string what) => new($"{what} (not an ONNX protobuf, or corrupt)");
}
