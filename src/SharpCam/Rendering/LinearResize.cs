namespace SharpCam.Rendering;

/// <summary>
/// <c>cv2.resize(map, (width, height), interpolation=cv2.INTER_LINEAR)</c> on a float32 map, operation for operation
/// as OpenCV 4.6's generic resize does it (no IPP, as Debian builds it), so the result is bit for bit cv2's:
/// source position (d + 0.5)·scale − 0.5 computed in double and rounded to float, edge positions clamped with zero
/// weight, a horizontal pass <c>S[x]·(1 − f) + S[x + 1]·f</c> in float (two products, one sum, no fused multiply-add),
/// then the same vertically between two (edge-clamped) rows.
/// </summary>
/// <remarks>
/// Not covered: an exact halving in both directions, where cv2 switches to INTER_AREA (the CAM pipeline only enlarges
/// maps); and equal sizes, which cv2 copies (so does this).
/// </remarks>
internal static class LinearResize
{
    public static float[,] Resize(float[,] source, int width, int height)
    {
        int sh = source.GetLength(0), sw = source.GetLength(1);
        if (sw == width && sh == height) return (float[,])source.Clone();
        var (xofs, xalpha, xmax) = Taps(sw, width, clampWeights: true);
        var (yofs, yalpha, _) = Taps(sh, height, clampWeights: false);

        var rows = new float[sh][];  // each source row resized horizontally, computed on first use
        float[] Row(int sy)
        {
            if (rows[sy] is { } done) return done;
            var row = new float[width];
            for (int dx = 0; dx < width; dx++)
            {
                int sx = xofs[dx];
                row[dx] = dx < xmax
                    ? source[sy, sx] * xalpha[2 * dx] + source[sy, sx + 1] * xalpha[2 * dx + 1]
                    : source[sy, sx];  // cv2: S[sx]·1, exact
            }
            return rows[sy] = row;
        }

        var result = new float[height, width];
        for (int dy = 0; dy < height; dy++)
        {
            // cv2 clips both row indices into the image but keeps the weights (1 − f, f) as computed.
            var r0 = Row(Math.Clamp(yofs[dy], 0, sh - 1));
            var r1 = Row(Math.Clamp(yofs[dy] + 1, 0, sh - 1));
            float b0 = yalpha[2 * dy], b1 = yalpha[2 * dy + 1];
            for (int dx = 0; dx < width; dx++) result[dy, dx] = r0[dx] * b0 + r1[dx] * b1;
        }
        return result;
    }

    /// <summary>
    /// Left tap and the two weights of each destination position. Horizontally (cv2's xofs/alpha) a position left of
    /// the first pixel or at/after the last takes that pixel with weight (1, 0), and positions from the first such
    /// right-edge one on (<c>xmax</c>) read one tap only; vertically (cv2's yofs/beta) the weights are not clamped.
    /// </summary>
    private static (int[] Offsets, float[] Weights, int Max) Taps(int sourceSize, int size, bool clampWeights)
    {
        double scale = 1.0 / ((double)size / sourceSize);  // cv2: scale_x = 1 / inv_scale_x
        var offsets = new int[size];
        var weights = new float[2 * size];
        int max = size;
        for (int d = 0; d < size; d++)
        {
            float f = (float)((d + 0.5) * scale - 0.5);
            int s = (int)MathF.Floor(f);
            f -= s;
            if (clampWeights)
            {
                if (s < 0) (f, s) = (0, 0);
                if (s + 1 >= sourceSize)
                {
                    max = Math.Min(max, d);
                    if (s >= sourceSize - 1) (f, s) = (0, sourceSize - 1);
                }
            }
            offsets[d] = s;
            weights[2 * d] = 1f - f;
            weights[2 * d + 1] = f;
        }
        return (offsets, weights, max);
    }
}
