using System.Buffers.Binary;
using SharpCam.Images;

namespace SharpCam.Server;

/// <summary>
/// The format and size of an uploaded picture (<see cref="ImageHeader"/>), checked before anything decodes it: a
/// non-image, a truncated file or a decompression bomb (a small file that decodes to gigapixels) is refused with a clear message.
/// </summary>
public static class UploadHeader
{
    /// <summary>Reads the header of <paramref name="bytes"/>; refuses (415/413/422) what the server will not decode.</summary>
    public static ImageHeader Inspect(byte[] bytes, long maxPixels)
    {
        var header = ImageHeader.Read(new MemoryStream(bytes, writable: false))
            ?? throw new RequestRefusedException(415, bytes.Length == 0
                ? "The upload is empty. Choose a picture file."
                : $"This file is not a picture the server reads: use a {ImageHeader.Formats} image.");
        if (header is { Format: "JPEG", HasSize: false })
            throw new RequestRefusedException(422, "This JPEG file has no frame header (it is truncated or damaged). Upload the whole file.");
        if (!header.HasSize)
            throw new RequestRefusedException(422, $"This {header.Format} file says it is {header.Width}×{header.Height} pixels: it is damaged.");
        if (header.Pixels > maxPixels)
            throw new RequestRefusedException(413, $"This {header.Format} image is {header.Width}×{header.Height} = {header.Pixels / 1e6:F0} megapixels; " +
                                                   $"the limit is {maxPixels / 1e6:F0}. Scale it down and upload it again.");
        if (Truncated(header, bytes))
            throw new RequestRefusedException(422, $"This {header.Format} file is truncated (it ends before the image does). Upload the whole file.");
        return header;
    }

    /// <summary>Whether the file stops before its format's end: PNG's IEND chunk, JPEG's end-of-image marker, RIFF's declared size.</summary>
    private static bool Truncated(ImageHeader header, ReadOnlySpan<byte> bytes) => header.Format switch
    {
        "PNG" => bytes.IndexOf("IEND"u8) < 0,
        // Some writers append bytes after the end-of-image marker; it must still be in the file.
        "JPEG" => bytes.LastIndexOf([(byte)0xFF, (byte)0xD9]) < 0,
        "WebP" => BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]) + 8L > bytes.Length,
        "BMP" => BinaryPrimitives.ReadUInt32LittleEndian(bytes[2..]) > bytes.Length,
        _ => false,
    };
}
