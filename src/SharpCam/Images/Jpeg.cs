using SkiaSharp;

namespace SharpCam.Images;

/// <summary>JPEG bytes of an <see cref="RgbImage"/> (SkiaSharp's libjpeg-turbo): small pictures where a few artefacts do not matter, such as report thumbnails.</summary>
public static class Jpeg
{
    /// <param name="quality">libjpeg's quality scale, 1 (smallest) to 100 (best).</param>
    public static byte[] Encode(RgbImage image, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var rgba = new byte[4 * image.Width * image.Height];
        for (int i = 0, o = 0; o < rgba.Length; i += 3, o += 4)
        {
            rgba[o] = image.Pixels[i];
            rgba[o + 1] = image.Pixels[i + 1];
            rgba[o + 2] = image.Pixels[i + 2];
            rgba[o + 3] = 255;
        }
        using var skImage = SKImage.FromPixelCopy(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
        using var data = skImage.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
