using System.Buffers.Binary;

namespace SharpCam.Images;

/// <summary>
/// An image's format and stored size, read from its file header alone (PNG, JPEG, BMP, WebP), so limits can be checked
/// before a decoder allocates anything: the one header reader of the run pipeline and the explorer's uploads. The size
/// is as stored; an EXIF orientation of 5–8 shows the picture turned (<see cref="Matches"/>).
/// </summary>
public sealed record ImageHeader(string Format, string Extension, int Width, int Height)
{
    public const string Formats = "JPEG, PNG, BMP or WebP";

    /// <summary>Bytes read from the start of a file: enough for every header but a JPEG's, which is scanned marker by marker.</summary>
    private const int PrefixLength = 64;

    public long Pixels => (long)Width * Height;

    /// <summary>False for a JPEG that ends before its frame header, and for a header that declares a zero or negative side.</summary>
    public bool HasSize => Width > 0 && Height > 0;

    /// <summary>Whether a decoded picture of this shown size is the image this header describes (orientation may swap the sides).</summary>
    public bool Matches(int width, int height) => (width, height) == (Width, Height) || (width, height) == (Height, Width);

    /// <summary>The header of the file at <paramref name="path"/>; null when it is none of the four formats.</summary>
    public static ImageHeader? Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        return Read(stream);
    }

    /// <summary>The header at the start of <paramref name="stream"/> (read from its current position); null when it is none of the four formats.</summary>
    public static ImageHeader? Read(Stream stream)
    {
        var prefix = new byte[PrefixLength];
        int length = stream.ReadAtLeast(prefix, PrefixLength, throwOnEndOfStream: false);
        var head = prefix.AsSpan(0, length);
        if (head.Length >= 24 && head.StartsWith(PngSignature) && head[12..16].SequenceEqual("IHDR"u8))
            return new("PNG", ".png", Clamp(BinaryPrimitives.ReadUInt32BigEndian(head[16..])), Clamp(BinaryPrimitives.ReadUInt32BigEndian(head[20..])));
        if (head.Length >= 26 && head[0] == 'B' && head[1] == 'M')
            // A negative height means rows stored top-down; int.MinValue has no positive counterpart (found by fuzz/upload).
            return new("BMP", ".bmp", BinaryPrimitives.ReadInt32LittleEndian(head[18..]), Clamp((uint)Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(head[22..]))));
        if (head.Length >= 30 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return WebP(head);
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            stream.Seek(2 - length, SeekOrigin.Current);
            var (width, height) = JpegSize(stream);
            return new("JPEG", ".jpg", width, height);
        }
        return null;
    }

    private static ImageHeader WebP(ReadOnlySpan<byte> head)
    {
        var chunk = head[12..16];
        var (width, height) =
            chunk.SequenceEqual("VP8X"u8) ? (1 + (head[24] | head[25] << 8 | head[26] << 16), 1 + (head[27] | head[28] << 8 | head[29] << 16))  // extended: 24-bit sides − 1
            : chunk.SequenceEqual("VP8L"u8) ? LosslessWebP(BinaryPrimitives.ReadUInt32LittleEndian(head[21..]))
            : chunk.SequenceEqual("VP8 "u8) ? (BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF)
            : (0, 0);
        return new("WebP", ".webp", width, height);
    }

    /// <summary>Lossless WebP: 14-bit width − 1 and height − 1 after the 0x2F signature.</summary>
    private static (int, int) LosslessWebP(uint bits) => (1 + (int)(bits & 0x3FFF), 1 + (int)((bits >> 14) & 0x3FFF));

    /// <summary>
    /// Walks the JPEG markers to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC), which holds the size;
    /// stray bytes between segments are skipped, as libjpeg does. (0, 0) when the scan or the file ends first.
    /// </summary>
    private static (int, int) JpegSize(Stream stream)
    {
        Span<byte> segment = stackalloc byte[7];
        while (true)
        {
            int marker = stream.ReadByte();
            if (marker < 0) return (0, 0);
            if (marker != 0xFF) continue;
            int kind;
            do kind = stream.ReadByte(); while (kind == 0xFF);
            if (kind < 0 || kind == 0xD9 || kind == 0xDA) return (0, 0);   // end of image or start of scan before any frame
            if (kind is 0x01 or 0xD8 or >= 0xD0 and <= 0xD7) continue;   // markers without a length
            if (stream.ReadAtLeast(segment[..2], 2, throwOnEndOfStream: false) < 2) return (0, 0);
            int length = BinaryPrimitives.ReadUInt16BigEndian(segment);
            if (kind is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (stream.ReadAtLeast(segment[..5], 5, throwOnEndOfStream: false) < 5) return (0, 0);
                return (BinaryPrimitives.ReadUInt16BigEndian(segment[3..]), BinaryPrimitives.ReadUInt16BigEndian(segment[1..]));
            }
            if (length < 2) return (0, 0);
            stream.Seek(length - 2, SeekOrigin.Current);
        }
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10];

    private static int Clamp(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
