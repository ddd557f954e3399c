using System.Buffers.Binary;
using System.Text;

namespace SharpCam.Tests.Training;

/// <summary>
/// A reader of TensorBoard event files written from the specifications only, independent of the writer and of
/// Google.Protobuf, to check what the writer produced.
/// Framing (TFRecord, tensorflow/core/lib/io/record_writer.cc): uint64 LE length, uint32 LE masked CRC32C of those
/// 8 bytes, the data, uint32 LE masked CRC32C of the data; mask = ((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8.
/// Messages (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto):
/// Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
/// Summary { repeated Value value = 1; }  Value { string tag = 1; float simple_value = 2; Image image = 4; }
/// Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
/// </summary>
internal static class EventFileReader
{
    public sealed record ImageValue(int Height, int Width, int Colorspace, byte[] Png);

    public sealed record Event(double WallTime, long Step, string? FileVersion, string? Tag, float? SimpleValue, ImageValue? Image);

    public static List<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        for (int at = 0; at < bytes.Length;)
        {
            var lengthBytes = bytes.AsSpan(at, 8);
            Assert.Equal(MaskedCrc32C(lengthBytes), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes));
            var data = bytes.AsSpan(at + 12, length);
            Assert.Equal(MaskedCrc32C(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
            events.Add(ParseEvent(data.ToArray()));
            at += 12 + length + 4;
        }
        return events;
    }

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private static Event ParseEvent(byte[] data)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null, tag = null;
        float? simple = null;
        ImageValue? image = null;
        foreach (var (field, value) in Fields(data))
            switch (field)
            {
                case 1: wallTime = BitConverter.ToDouble(value); break;
                case 2: step = (long)ReadVarint(value, 0).Value; break;
                case 3: fileVersion = Encoding.UTF8.GetString(value); break;
                case 5:
                    var values = Fields(value).Where(f => f.Field == 1).ToList();
                    Assert.Single(values);
                    foreach (var (f, v) in Fields(values[0].Value))
                        switch (f)
                        {
                            case 1: tag = Encoding.UTF8.GetString(v); break;
                            case 2: simple = BitConverter.ToSingle(v); break;
                            case 4: image = ParseImage(v); break;
                        }
                    break;
            }
        return new Event(wallTime, step, fileVersion, tag, simple, image);
    }

    private static ImageValue ParseImage(byte[] data)
    {
        var fields = Fields(data).ToDictionary(f => f.Field, f => f.Value);
        int Int(int field) => (int)ReadVarint(fields[field], 0).Value;
        return new ImageValue(Int(1), Int(2), Int(3), fields[4]);
    }

    /// <summary>Protobuf wire format: key = varint (field &lt;&lt; 3 | wire type); types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] data)
    {
        for (int at = 0; at < data.Length;)
        {
            var (key, next) = ReadVarint(data, at);
            at = next;
            int field = (int)(key >> 3), wire = (int)(key & 7);
            int start = at, length;
            switch (wire)
            {
                case 0: (_, at) = ReadVarint(data, at); length = at - start; break;
                case 1: length = 8; at += 8; break;
                case 2: (var n, start) = ReadVarint(data, at); length = (int)n; at = start + length; break;
                case 5: length = 4; at += 4; break;
                default: throw new InvalidDataException($"Unexpected protobuf wire type {wire} for field {field}.");
            }
            yield return (field, data.AsSpan(start, length).ToArray());
        }
    }

    private static (ulong Value, int Next) ReadVarint(byte[] data, int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return (value, at);
        }
    }
}
