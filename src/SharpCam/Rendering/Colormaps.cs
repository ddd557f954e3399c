namespace SharpCam.Rendering;

/// <summary>
/// The colour maps SharpCam draws with, each identical to its reference library's (tested pixel for pixel).
/// </summary>
public static class Colormaps
{
    /// <summary>
    /// matplotlib's 'bwr' (blue (0,0,1) → white → red (1,0,0)), as <c>plt.matshow(map, cmap='bwr', vmin=0, vmax=1)</c>
    /// draws it: value v takes entry floor(256·v) (1 takes the last) of the byte table matplotlib builds.
    /// </summary>
    public static Colormap Bwr { get; } = Matplotlib("bwr",
        red: [(0, 0, 0), (0.5, 1, 1), (1, 1, 1)],
        green: [(0, 0, 0), (0.5, 1, 1), (1, 0, 0)],
        blue: [(0, 1, 1), (0.5, 1, 1), (1, 0, 0)]);

    /// <summary>matplotlib's 'gray' (black → white), with the same value rule as <see cref="Bwr"/>.</summary>
    public static Colormap Gray { get; } = Matplotlib("gray",
        red: [(0, 0, 0), (1, 1, 1)],
        green: [(0, 0, 0), (1, 1, 1)],
        blue: [(0, 0, 0), (1, 1, 1)]);

    /// <summary>
    /// OpenCV's COLORMAP_JET in RGB order, with the notebook's value rule: v takes entry <c>np.uint8(255 * v)</c>
    /// (float32 product, truncated), i.e. <c>cv2.applyColorMap(np.uint8(255 * map), cv2.COLORMAP_JET)</c> read as RGB.
    /// </summary>
    public static Colormap Jet { get; } = new("jet", OpenCvImages.JetTable(), value => (int)(255f * value));

    /// <summary>
    /// A matplotlib LinearSegmentedColormap with 256 entries, built exactly as matplotlib 3.6's
    /// <c>_create_lookup_table</c> does (same double arithmetic), then <c>(lut * 255).astype(uint8)</c> (truncation)
    /// as <c>cmap(x, bytes=True)</c> and image drawing use it.
    /// </summary>
    private static Colormap Matplotlib(string name, (double X, double Y0, double Y1)[] red,
                                       (double X, double Y0, double Y1)[] green, (double X, double Y0, double Y1)[] blue)
    {
        var rgb = new byte[Colormap.Size * 3];
        var channels = new[] { red, green, blue };
        for (int c = 0; c < 3; c++)
        {
            var lut = LookupTable(Colormap.Size, channels[c]);
            for (int i = 0; i < Colormap.Size; i++) rgb[3 * i + c] = (byte)(lut[i] * 255);
        }
        // Value → index: v·N in float32 (exact for N = 256), N itself maps to N - 1, then truncation.
        return new Colormap(name, rgb, value => value >= 1f ? Colormap.Size - 1 : value < 0f ? 0 : (int)(value * Colormap.Size));
    }

    private static double[] LookupTable(int n, (double X, double Y0, double Y1)[] segments)
    {
        var x = segments.Select(s => s.X * (n - 1)).ToArray();
        var lut = new double[n];
        lut[0] = segments[0].Y1;
        lut[n - 1] = segments[^1].Y0;
        double step = 1.0 / (n - 1); // numpy.linspace(0, 1, n) = arange(n) * step
        for (int i = 1; i < n - 1; i++)
        {
            double xind = (n - 1) * (i * step);
            int ind = Array.FindIndex(x, v => v >= xind); // numpy.searchsorted, side='left'
            double distance = (xind - x[ind - 1]) / (x[ind] - x[ind - 1]);
            lut[i] = distance * (segments[ind].Y0 - segments[ind - 1].Y1) + segments[ind - 1].Y1;
        }
        for (int i = 0; i < n; i++) lut[i] = Math.Clamp(lut[i], 0.0, 1.0);
        return lut;
    }
}
