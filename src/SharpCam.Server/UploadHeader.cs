using System.Buffers.Binary;

namespace SharpCam.Server;

/// <summary>
/// The format and size of an uploaded picture, read from its header before anything decodes it: a non-image, a
/// truncated file or a decompression bomb (a small file that decodes to gigapixels) is refused with a clear message.
/// </summary>
public sealed record UploadHeader(string Format, string Extension, int Width, int Height)
{
    public const string Accepted = "JPEG, PNG, BMP or WebP";

    /// <summary>Reads the header of <paramref name="bytes"/>; refuses (415/413/422) what the server will not decode.</summary>
    public static UploadHeader Inspect(ReadOnlySpan<byte> bytes, long maxPixels)
    {
        var header = Png(bytes) ?? Jpeg(bytes) ?? Bmp(bytes) ?? WebP(bytes)
            ?? throw new RequestRefusedException(415, bytes.Length == 0
                ? "The upload is empty. Choose a picture file."
                : $"This file is not a picture the server reads: use a {Accepted} image.");
        if (header.Width <= 0 || header.Height <= 0)
            throw new RequestRefusedException(422, $"This {header.Format} file says it is {header.Width}×{header.Height} pixels: it is damaged.");
        if ((long)header.Width * header.Height > maxPixels)
            throw new RequestRefusedException(413, $"This {header.Format} image is {header.Width}×{header.Height} = {(long)header.Width * header.Height / 1e6:F0} megapixels; " +
                                                   $"the limit is {maxPixels / 1e6:F0}. Scale it down and upload it again.");
        if (header.Truncated(bytes))
            throw new RequestRefusedException(422, $"This {header.Format} file is truncated (it ends before the image does). Upload the whole file.");
        return header;
    }

    /// <summary>Whether the file stops before its format's end: PNG's IEND chunk, JPEG's end-of-image marker, RIFF's declared size.</summary>
    private bool Truncated(ReadOnlySpan<byte> bytes) => Format switch
    {
        "PNG" => bytes.IndexOf("IEND"u8) < 0,
        // Some writers append bytes after the end-of-image marker; it must still be in the file.
        "JPEG" => bytes.LastIndexOf([(byte)0xFF, (byte)0xD9]) < 0,
        "WebP" => BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]) + 8L > bytes.Length,
        "BMP" => BinaryPrimitives.ReadUInt32LittleEndian(bytes[2..]) > bytes.Length,
        _ => false,
    };

    private static UploadHeader? Png(ReadOnlySpan<byte> b) =>
        b.Length >= 24 && b.StartsWith(PngSignature) && b[12..16].SequenceEqual("IHDR"u8)
            ? new("PNG", ".png", Int(BinaryPrimitives.ReadUInt32BigEndian(b[16..])), Int(BinaryPrimitives.ReadUInt32BigEndian(b[20..])))
            : null;

    private static UploadHeader? Jpeg(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4 || b[0] != 0xFF || b[1] != 0xD8 || b[2] != 0xFF) return null;
        // Walk the marker segments to the first start-of-frame (SOF0–SOF15, not DHT C4, JPG C8, DAC CC).
        for (int at = 2; at + 9 < b.Length;)
        {
            if (b[at] != 0xFF) return new("JPEG", ".jpg", 0, 0);
            var marker = b[at + 1];
            if (marker == 0xFF) { at++; continue; }
            if (marker is 0xD8 or 0x01 or >= 0xD0 and <= 0xD7) { at += 2; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(b[(at + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                return new("JPEG", ".jpg", BinaryPrimitives.ReadUInt16BigEndian(b[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(at + 5)..]));
            if (marker == 0xDA || length < 2) break;   // image data before any frame header
            at += 2 + length;
        }
        throw new RequestRefusedException(422, "This JPEG file has no frame header (it is truncated or damaged). Upload the whole file.");
    }

    private static UploadHeader? Bmp(ReadOnlySpan<byte> b) =>
        b.Length >= 26 && b[0] == 'B' && b[1] == 'M'
            ? new("BMP", ".bmp", BinaryPrimitives.ReadInt32LittleEndian(b[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(b[22..])))
            : null;

    private static UploadHeader? WebP(ReadOnlySpan<byte> b)
    {
        if (b.Length < 30 || !b.StartsWith("RIFF"u8) || !b[8..12].SequenceEqual("WEBP"u8)) return null;
        var chunk = b[12..16];
        if (chunk.SequenceEqual("VP8X"u8))   // extended: 24-bit width−1 and height−1
            return new("WebP", ".webp", 1 + (b[24] | b[25] << 8 | b[26] << 16), 1 + (b[27] | b[28] << 8 | b[29] << 16));
        if (chunk.SequenceEqual("VP8L"u8))   // lossless: 14-bit width−1 and height−1 after the 0x2F signature
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(b[21..]);
            return new("WebP", ".webp", 1 + (int)(bits & 0x3FFF), 1 + (int)((bits >> 14) & 0x3FFF));
        }
        if (chunk.SequenceEqual("VP8 "u8))   // lossy: 14-bit sizes after the 3-byte start code
            return new("WebP", ".webp", BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF);
        return new("WebP", ".webp", 0, 0);
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10];

    private static int Int(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
