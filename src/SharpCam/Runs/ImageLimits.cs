using SharpCam.Images;

namespace SharpCam.Runs;

/// <summary>Limits on what a run agrees to decode, checked from the file header before any pixel is allocated.</summary>
public static class ImageLimits
{
    /// <summary>
    /// 64 megapixels: every phone and most camera photos (a 48-MP phone photo is 8064×6048), while decoding one stays
    /// under 200 MB of RGB bytes; a 20000×20000 image (400 MP, 1.2 GB decoded) is refused.
    /// </summary>
    public const long DefaultMaxPixels = 64_000_000;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the file when its header declares more than <paramref name="maxPixels"/> pixels.</summary>
    public static void CheckPixels(string path, long maxPixels)
    {
        (int Width, int Height)? size;
        try
        {
            size = ImageHeader.ReadSize(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"Image file not found: {path}", path, e);
        }
        if (size is not { } s) return;   // not a header we know: the decoder reports the file
        if (s.Width <= 0 || s.Height <= 0)
            throw new InvalidDataException($"{path}: the header declares a {s.Width}×{s.Height} image; the file is damaged.");
        long pixels = (long)s.Width * s.Height;
        if (pixels > maxPixels)
            throw new InvalidDataException($"{path}: {s.Width}×{s.Height} is {pixels / 1e6:0.#} megapixels, more than --max-pixels " +
                                           $"{maxPixels:D}; shrink the image or raise --max-pixels.");
    }
}
