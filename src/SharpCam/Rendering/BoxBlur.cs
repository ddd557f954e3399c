namespace SharpCam.Rendering;

/// <summary>
/// <c>cv2.blur(map, (size, size))</c> on a float32 map with cv2's default border (BORDER_REFLECT_101: …, 2, 1 | 0,
/// 1, 2, … with the edge pixel not repeated) and anchor at size / 2, exactly as OpenCV's box filter computes it: a
/// sliding sum along each row in double (adding the entering value minus the leaving one), a sliding sum down the
/// columns in double, and each output the column sum times 1 / size² rounded once to float.
/// </summary>
public static class BoxBlur
{
    public static float[,] Blur(float[,] map, int size)
    {
        int height = map.GetLength(0), width = map.GetLength(1);
        int anchor = size / 2;
        var columnsIndex = Enumerable.Range(-anchor, width + size - 1).Select(p => Reflect101(p, width)).ToArray();
        var rowsIndex = Enumerable.Range(-anchor, height + size - 1).Select(p => Reflect101(p, height)).ToArray();

        // Row sums of every source row (a border row is the sum of the row it reflects).
        var rowSums = new double[height][];
        for (int y = 0; y < height; y++)
        {
            var sums = rowSums[y] = new double[width];
            double s = 0;
            for (int i = 0; i < size; i++) s += map[y, columnsIndex[i]];
            sums[0] = s;
            for (int x = 0; x + 1 < width; x++)
            {
                s += (double)map[y, columnsIndex[x + size]] - map[y, columnsIndex[x]];
                sums[x + 1] = s;
            }
        }

        var result = new float[height, width];
        double scale = 1.0 / (size * size);
        var column = new double[width];
        for (int k = 0; k < size - 1; k++)
        {
            var row = rowSums[rowsIndex[k]];
            for (int x = 0; x < width; x++) column[x] += row[x];
        }
        for (int y = 0; y < height; y++)
        {
            var entering = rowSums[rowsIndex[y + size - 1]];
            var leaving = rowSums[rowsIndex[y]];
            for (int x = 0; x < width; x++)
            {
                double s0 = column[x] + entering[x];
                result[y, x] = (float)(s0 * scale);
                column[x] = s0 - leaving[x];
            }
        }
        return result;
    }

    /// <summary>cv2.borderInterpolate(p, length, BORDER_REFLECT_101), reflecting as often as needed.</summary>
    private static int Reflect101(int p, int length)
    {
        if (length == 1) return 0;
        while ((uint)p >= (uint)length) p = p < 0 ? -p : 2 * (length - 1) - p;
        return p;
    }
}
