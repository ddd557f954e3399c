using SharpCam.Images;

namespace SharpCam.Runs;

/// <summary>Limits on what a run agrees to decode, checked from the file header before any pixel is allocated.</summary>
public static class ImageLimits
{
    /// <summary>
    /// PIL's decompression-bomb threshold (Image.MAX_IMAGE_PIXELS, 89,478,485 pixels, about 256 MiB as RGBA), so
    /// nothing the notebook's readers open unwarned is refused, every phone photo included (a 48-MP one is 8064×6048),
    /// while a 20000×20000 image (400 MP, 1.2 GB decoded) is refused from its header.
    /// </summary>
    public const long DefaultMaxPixels = ImageFile.DefaultMaxPixels;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the file when its header declares more than <paramref name="maxPixels"/> pixels.</summary>
    public static void CheckPixels(string path, long maxPixels)
    {
        ImageHeader? header;
        try
        {
            header = ImageHeader.Read(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"Image file not found: {path}", path, e);
        }
        if (header is null || header is { Format: "JPEG", HasSize: false }) return;   // not a header we know, or cut short: the decoder reports the file
        if (!header.HasSize)
            throw new InvalidDataException($"{path}: the header declares a {header.Width}×{header.Height} image; the file is damaged.");
        if (header.Pixels > maxPixels)
            throw new InvalidDataException($"{path}: {header.Width}×{header.Height} is {header.Pixels / 1e6:0.#} megapixels, more than --max-pixels " +
                                           $"{maxPixels:D}; shrink the image or raise --max-pixels.");
    }
}
