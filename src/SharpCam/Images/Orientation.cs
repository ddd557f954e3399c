using SkiaSharp;

namespace SharpCam.Images;

/// <summary>EXIF orientation: how stored pixels are turned to be shown upright (cv2 and PIL's exif_transpose do the same).</summary>
internal static class Orientation
{
    /// <summary>Orientations 5 to 8 turn the picture by a quarter: width and height swap.</summary>
    private static bool Swaps(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
        or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    public static ImageSize Shown(ImageSize stored, SKEncodedOrigin origin) =>
        Swaps(origin) ? new ImageSize(stored.Height, stored.Width) : stored;

    public static ImageSize Stored(ImageSize shown, SKEncodedOrigin origin) => Shown(shown, origin);

    /// <summary>The stored pixels of <paramref name="stored"/> size, turned upright.</summary>
    public static RgbImage Apply(RgbImage image, ImageSize stored, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft) return image;
        int w = stored.Width, h = stored.Height;
        var shown = Shown(stored, origin);
        var result = new RgbImage(shown.Width, shown.Height);
        for (int y = 0, o = 0; y < shown.Height; y++)
        for (int x = 0; x < shown.Width; x++, o += 3)
        {
            var (sx, sy) = origin switch
            {
                SKEncodedOrigin.TopRight => (w - 1 - x, y),              // 2: mirrored left-right
                SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),   // 3: turned 180°
                SKEncodedOrigin.BottomLeft => (x, h - 1 - y),            // 4: mirrored top-bottom
                SKEncodedOrigin.LeftTop => (y, x),                       // 5: transposed
                SKEncodedOrigin.RightTop => (y, h - 1 - x),              // 6: turn 90° clockwise to show
                SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),   // 7: transversed
                SKEncodedOrigin.LeftBottom => (w - 1 - y, x),            // 8: turn 90° counter-clockwise to show
                _ => (x, y),
            };
            Buffer.BlockCopy(image.Pixels, 3 * (sy * w + sx), result.Pixels, o, 3);
        }
        return result;
    }
}
