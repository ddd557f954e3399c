namespace SharpCam.Images;

/// <summary>
/// Shrinks a picture by averaging the source area under each new pixel (what cv2's INTER_AREA does): no aliasing on
/// heatmaps and thin digit strokes, for thumbnails. Separable, in double, each channel rounded once.
/// </summary>
public static class AreaShrink
{
    public static RgbImage Shrink(RgbImage image, int width, int height)
    {
        if (width <= 0 || height <= 0 || width > image.Width || height > image.Height)
            throw new ArgumentException($"Cannot shrink a {image.Width}x{image.Height} picture to {width}x{height}.");
        var columns = Coverage(image.Width, width);
        var rows = Coverage(image.Height, height);
        // Horizontal pass into doubles, then vertical pass with rounding.
        var across = new double[image.Height, width * 3];
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < width; x++)
            foreach (var (source, weight) in columns[x])
            {
                int o = 3 * (y * image.Width + source);
                for (int c = 0; c < 3; c++) across[y, 3 * x + c] += weight * image.Pixels[o + c];
            }
        var result = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        for (int i = 0; i < width * 3; i++)
        {
            double sum = 0;
            foreach (var (source, weight) in rows[y]) sum += weight * across[source, i];
            result.Pixels[y * width * 3 + i] = (byte)Math.Clamp(Math.Round(sum), 0, 255);
        }
        return result;
    }

    /// <summary>For each of <paramref name="size"/> new pixels, the source pixels it covers and their weights (summing to 1).</summary>
    private static List<(int Source, double Weight)>[] Coverage(int sourceSize, int size)
    {
        double scale = (double)sourceSize / size;
        var coverage = new List<(int, double)>[size];
        for (int d = 0; d < size; d++)
        {
            double start = d * scale, end = Math.Min(sourceSize, (d + 1) * scale);
            var list = coverage[d] = [];
            for (int s = (int)start; s < end; s++)
            {
                double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                if (overlap > 0) list.Add((s, overlap / scale));
            }
        }
        return coverage;
    }
}
