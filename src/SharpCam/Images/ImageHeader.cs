using System.Buffers.Binary;

namespace SharpCam.Images;

/// <summary>
/// An image's size read from its file header alone (PNG, JPEG, BMP, WebP), so limits can be checked before a
/// decoder allocates anything. Unknown or truncated headers give null; the decoder then reports the file.
/// </summary>
public static class ImageHeader
{
    /// <summary>Bytes read from the start of a file: enough for every header but a JPEG's, which is scanned marker by marker.</summary>
    private const int PrefixLength = 64;

    public static (int Width, int Height)? ReadSize(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        var prefix = new byte[PrefixLength];
        int length = stream.ReadAtLeast(prefix, PrefixLength, throwOnEndOfStream: false);
        var head = prefix.AsSpan(0, length);
        if (head.Length >= 24 && head[..8].SequenceEqual<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return (BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]));
        if (head.Length >= 26 && head[0] == 'B' && head[1] == 'M')
            return (BinaryPrimitives.ReadInt32LittleEndian(head[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[22..])));
        if (head.Length >= 30 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return WebPSize(head);
        if (head.Length >= 2 && head[0] == 0xFF && head[1] == 0xD8)
        {
            stream.Position = 2;
            return JpegSize(stream);
        }
        return null;
    }

    private static (int, int)? WebPSize(ReadOnlySpan<byte> head)
    {
        var chunk = head[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
            return (1 + (head[24] | head[25] << 8 | head[26] << 16), 1 + (head[27] | head[28] << 8 | head[29] << 16));
        if (chunk.SequenceEqual("VP8 "u8))
            return (BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        return null;
    }

    /// <summary>Walks the JPEG markers to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC), which holds the size.</summary>
    private static (int, int)? JpegSize(Stream stream)
    {
        Span<byte> segment = stackalloc byte[7];
        while (true)
        {
            int marker = stream.ReadByte();
            if (marker < 0) return null;
            if (marker != 0xFF) continue;
            int kind;
            do kind = stream.ReadByte(); while (kind == 0xFF);
            if (kind < 0 || kind == 0xD9 || kind == 0xDA) return null;   // end of image or start of scan before any frame
            if (kind is 0x01 or >= 0xD0 and <= 0xD7) continue;           // markers without a length
            if (stream.ReadAtLeast(segment[..2], 2, throwOnEndOfStream: false) < 2) return null;
            int length = BinaryPrimitives.ReadUInt16BigEndian(segment);
            if (kind is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (stream.ReadAtLeast(segment[..5], 5, throwOnEndOfStream: false) < 5) return null;
                return (BinaryPrimitives.ReadUInt16BigEndian(segment[3..]), BinaryPrimitives.ReadUInt16BigEndian(segment[1..]));
            }
            if (length < 2) return null;
            stream.Seek(length - 2, SeekOrigin.Current);
        }
    }
}
