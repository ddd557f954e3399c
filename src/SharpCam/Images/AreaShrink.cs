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
        var columns = new Coverage(image.Width, width);
        var rows = new Coverage(image.Height, height);
        var pixels = image.Pixels;
        int sourceStride = image.Width * 3, stride = width * 3;

        var across = new double[image.Height * stride];  // horizontal pass
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < width; x++)
        {
            double r = 0, g = 0, b = 0;
            int p = y * sourceStride + 3 * columns.Start[x];
            for (int k = 0; k < columns.Count[x]; k++, p += 3)
            {
                double w = columns.Weights[x * columns.MaxCount + k];
                r += w * pixels[p];
                g += w * pixels[p + 1];
                b += w * pixels[p + 2];
            }
            int o = y * stride + 3 * x;
            (across[o], across[o + 1], across[o + 2]) = (r, g, b);
        }

        var result = new RgbImage(width, height);
        var line = new double[stride];
        for (int y = 0; y < height; y++)
        {
            Array.Clear(line);
            for (int k = 0; k < rows.Count[y]; k++)
            {
                double w = rows.Weights[y * rows.MaxCount + k];
                var source = across.AsSpan((rows.Start[y] + k) * stride, stride);
                for (int i = 0; i < stride; i++) line[i] += w * source[i];
            }
            for (int i = 0; i < stride; i++) result.Pixels[y * stride + i] = (byte)Math.Clamp(Math.Round(line[i]), 0, 255);
        }
        return result;
    }

    /// <summary>For each of <c>size</c> new pixels: the first source pixel it covers, how many, and their weights (summing to 1).</summary>
    private sealed class Coverage
    {
        public readonly int[] Start, Count;
        public readonly double[] Weights;
        public readonly int MaxCount;

        public Coverage(int sourceSize, int size)
        {
            double scale = (double)sourceSize / size;
            MaxCount = (int)Math.Ceiling(scale) + 1;
            (Start, Count, Weights) = (new int[size], new int[size], new double[size * MaxCount]);
            for (int d = 0; d < size; d++)
            {
                double start = d * scale, end = Math.Min(sourceSize, (d + 1) * scale);
                Start[d] = (int)start;
                for (int s = (int)start; s < end; s++)
                {
                    double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (overlap > 0) Weights[d * MaxCount + Count[d]++] = overlap / scale;
                }
            }
        }
    }
}
