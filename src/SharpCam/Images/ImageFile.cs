using System.Buffers;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace SharpCam.Images;

/// <summary>Width and height of a picture as it is shown (EXIF orientation applied).</summary>
public readonly record struct ImageSize(int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}

/// <summary>How <see cref="ImageFile.Read(string, ImageReadOptions?)"/> may decode a picture.</summary>
public sealed record ImageReadOptions
{
    /// <summary>
    /// Largest number of pixels decoded; a bigger picture is refused before any pixel is decoded. The default is
    /// PIL's decompression-bomb threshold (89,478,485 pixels, about 256 MiB as RGBA); the notebook's readers apply it
    /// too, so nothing PIL would open unwarned is refused.
    /// </summary>
    public long MaxPixels { get; init; } = ImageFile.DefaultMaxPixels;

    /// <summary>
    /// When set, a JPEG is decoded at the smallest of libjpeg's scales 1/8, 2/8, …, 8/8 that is still at least this
    /// size (shown orientation): much faster and smaller for a caller that resizes to a model's input anyway.
    /// Pixels then differ from a full decode followed by a resize, so the default (null) decodes at full size, as
    /// the notebook does. Other formats are always decoded at full size.
    /// </summary>
    public ImageSize? AtLeast { get; init; }
}

/// <summary>
/// Reads photos (JPEG, PNG, BMP, WebP) as 8-bit RGB with SkiaSharp, giving the pixels of the notebook's
/// <c>cv2.imdecode(…, IMREAD_COLOR)</c> read as RGB (tests/SharpCam.Tests/Images/ImageFileTests: per-format parity).
/// </summary>
public static class ImageFile
{
    /// <summary>PIL's Image.MAX_IMAGE_PIXELS: the default <see cref="ImageReadOptions.MaxPixels"/>.</summary>
    public const long DefaultMaxPixels = 89_478_485;

    /// <summary>File extensions taken when a folder or pattern is searched for images (lower case).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// Decodes an image file to RGB. Grey images are expanded to three equal channels and an alpha channel is dropped
    /// without compositing (as cv2's IMREAD_COLOR and PIL's convert('RGB')); 16-bit channels keep their high byte
    /// (as cv2); the EXIF orientation is applied, so photos come out upright; colour profiles are ignored (as cv2
    /// and PIL). A CMYK JPEG (Adobe's inverted inks, as Photoshop and PIL write them) is converted as libjpeg's callers
    /// do, each ink times black: Skia rounds where cv2 truncates, so its pixels are 0 to 2 below cv2's
    /// (ImageDecodingParityTests.CmykJpegsDecodeLikeCv2).
    /// </summary>
    public static RgbImage Read(string path, ImageReadOptions? options = null) => Decode(ReadBytes(path), path, options);

    /// <summary>Decodes encoded bytes as <see cref="Read(string, ImageReadOptions?)"/> does; <paramref name="name"/> names them in errors.</summary>
    public static RgbImage Decode(byte[] bytes, string name, ImageReadOptions? options = null)
    {
        options ??= new ImageReadOptions();
        using var data = SKData.CreateCopy(bytes);
        using var codec = OpenCodec(data, name);
        var origin = codec.EncodedOrigin;
        var size = DecodeSize(codec, origin, options.AtLeast);
        var shown = Orientation.Shown(size, origin);
        if (shown.Pixels > options.MaxPixels)
            throw new InvalidDataException(
                $"The image {name} has {shown.Width}x{shown.Height} = {shown.Pixels:N0} pixels, more than the limit of {options.MaxPixels:N0}: shrink it, or raise ImageReadOptions.MaxPixels if it is trusted.");
        var rgb = DecodeRgb(codec, size, name);
        return Orientation.Apply(rgb, size, origin);
    }

    /// <summary>The picture's shown width and height, read from its header without decoding the pixels.</summary>
    public static ImageSize ReadSize(string path)
    {
        using var stream = OpenStream(path);
        using var codec = Documented(SKCodec.Create(stream, out var result) ?? throw Undecodable(path, result), path);
        return Orientation.Shown(new ImageSize(codec.Info.Width, codec.Info.Height), codec.EncodedOrigin);
    }

    private static SKCodec OpenCodec(SKData data, string name)
    {
        if (data.Size == 0) throw Undecodable(name, SKCodecResult.IncompleteInput);
        return Documented(SKCodec.Create(data) ?? throw Undecodable(name, SKCodecResult.Unimplemented), name);
    }

    /// <summary>
    /// Only the four documented formats: Skia also decodes WBMP, ICO, GIF and others, whose sizes no header check
    /// (<see cref="ImageHeader"/>) sees, so a 14-byte WBMP could make a 370 MB picture (found by fuzz/image-read).
    /// </summary>
    private static SKCodec Documented(SKCodec codec, string name)
    {
        if (codec.EncodedFormat is SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Webp)
            return codec;
        var format = codec.EncodedFormat;
        codec.Dispose();
        throw new InvalidDataException($"Cannot decode the image file {name}: it is a {format} image; SharpCam reads {ImageHeader.Formats} images. Convert it to one of them.");
    }

    /// <summary>The stored size, or for <see cref="ImageReadOptions.AtLeast"/> the smallest JPEG scale that still covers it.</summary>
    private static ImageSize DecodeSize(SKCodec codec, SKEncodedOrigin origin, ImageSize? atLeast)
    {
        var full = new ImageSize(codec.Info.Width, codec.Info.Height);
        if (atLeast is not { } wanted || codec.EncodedFormat != SKEncodedImageFormat.Jpeg) return full;
        var needed = Orientation.Stored(wanted, origin);
        for (int eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= needed.Width && scaled.Height >= needed.Height) return new ImageSize(scaled.Width, scaled.Height);
        }
        return full;
    }

    /// <summary>
    /// Unpremultiplied RGBA without colour conversion (no destination colour space), then alpha dropped. 16-bit PNGs
    /// are decoded at 16 bits and their high bytes taken, which is what libpng's strip-16 gives cv2; Skia's own 16→8
    /// conversion rounds instead.
    /// </summary>
    private static RgbImage DecodeRgb(SKCodec codec, ImageSize size, string name)
    {
        bool wide = codec.Info.ColorType == SKColorType.Rgba16161616;
        var info = new SKImageInfo(size.Width, size.Height, wide ? SKColorType.Rgba16161616 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        int bytesPerPixel = wide ? 8 : 4;
        long length = size.Pixels * bytesPerPixel;
        // A pooled buffer: a photo's RGBA is megabytes, and a fresh (zeroed, large-object-heap) array per photo costs
        // more than the copy out of it.
        var decoded = ArrayPool<byte>.Shared.Rent(checked((int)length));
        try
        {
            var pinned = GCHandle.Alloc(decoded, GCHandleType.Pinned);
            SKCodecResult result;
            try { result = codec.GetPixels(info, pinned.AddrOfPinnedObject()); }
            finally { pinned.Free(); }
            if (result != SKCodecResult.Success) throw Undecodable(name, result);
            var image = new RgbImage(size.Width, size.Height);
            if (wide) HighBytes(decoded.AsSpan(0, (int)length), image.Pixels);
            else DropAlpha(MemoryMarshal.Cast<byte, uint>(decoded.AsSpan(0, (int)length)), image.Pixels);
            return image;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>RGBA8888 (little-endian words: R in the low byte) to RGB.</summary>
    private static void DropAlpha(ReadOnlySpan<uint> rgba, Span<byte> rgb)
    {
        for (int p = 0, o = 0; p < rgba.Length; p++, o += 3)
        {
            uint pixel = rgba[p];
            rgb[o] = (byte)pixel;
            rgb[o + 1] = (byte)(pixel >> 8);
            rgb[o + 2] = (byte)(pixel >> 16);
        }
    }

    /// <summary>RGBA16161616 to RGB: the high byte of each little-endian channel, the second of each pair.</summary>
    private static void HighBytes(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        for (int i = 0, o = 0; o < rgb.Length; i += 8, o += 3)
        {
            rgb[o] = rgba[i + 1];
            rgb[o + 1] = rgba[i + 3];
            rgb[o + 2] = rgba[i + 5];
        }
    }

    private static byte[] ReadBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"Image file not found: {path}", path, e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot read the image file {path}: {e.Message}", e);
        }
    }

    private static FileStream OpenStream(string path)
    {
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"Image file not found: {path}", path, e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot read the image file {path}: {e.Message}", e);
        }
    }

    private static InvalidDataException Undecodable(string name, SKCodecResult result) => new(result switch
    {
        SKCodecResult.IncompleteInput => $"Cannot decode the image file {name}: it is empty or truncated. Copy it again from its source.",
        _ => $"Cannot decode the image file {name}: it is damaged, or not a JPEG, PNG, BMP or WebP image ({result}).",
    });
}
