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
    public static Colormap Jet { get; } = new("jet", Convert.FromHexString(JetTable), value => (int)(255f * value));

    /// <summary>cv2.applyColorMap(0..255, COLORMAP_JET) as R, G, B bytes (tests/fixtures/rendering/colormaps.npz: jet_lut).</summary>
    private const string JetTable =
        "00008000008400008800008c00009000009400009800009c0000a00000a40000a80000ac0000b00000b40000b80000bc" +
        "0000c00000c40000c80000cc0000d00000d40000d80000dc0000e00000e40000e80000ec0000f00000f40000f80000fc" +
        "0000ff0004ff0008ff000cff0010ff0014ff0018ff001cff0020ff0024ff0028ff002cff0030ff0034ff0038ff003cff" +
        "0040ff0044ff0048ff004cff0050ff0054ff0058ff005cff0060ff0064ff0068ff006cff0070ff0074ff0078ff007cff" +
        "0080ff0084ff0088ff008cff0090ff0094ff0098ff009cff00a0ff00a4ff00a8ff00acff00b0ff00b4ff00b8ff00bcff" +
        "00c0ff00c4ff00c8ff00ccff00d0ff00d4ff00d8ff00dcff00e0ff00e4ff00e8ff00ecff00f0ff00f4ff00f8ff00fcff" +
        "02fffe06fffa0afff60efff212ffee16ffea1affe61effe222ffde26ffda2affd62effd232ffce36ffca3affc63effc2" +
        "42ffbe46ffba4affb64effb252ffae56ffaa5affa65effa262ff9e66ff9a6aff966eff9272ff8e76ff8a7aff867eff82" +
        "82ff7e86ff7a8aff768eff7292ff6e96ff6a9aff669eff62a2ff5ea6ff5aaaff56aeff52b2ff4eb6ff4abaff46beff42" +
        "c2ff3ec6ff3acaff36ceff32d2ff2ed6ff2adaff26deff22e2ff1ee6ff1aeaff16eeff12f2ff0ef6ff0afaff06feff01" +
        "fffc00fff800fff400fff000ffec00ffe800ffe400ffe000ffdc00ffd800ffd400ffd000ffcc00ffc800ffc400ffc000" +
        "ffbc00ffb800ffb400ffb000ffac00ffa800ffa400ffa000ff9c00ff9800ff9400ff9000ff8c00ff8800ff8400ff8000" +
        "ff7c00ff7800ff7400ff7000ff6c00ff6800ff6400ff6000ff5c00ff5800ff5400ff5000ff4c00ff4800ff4400ff4000" +
        "ff3c00ff3800ff3400ff3000ff2c00ff2800ff2400ff2000ff1c00ff1800ff1400ff1000ff0c00ff0800ff0400ff0000" +
        "fc0000f80000f40000f00000ec0000e80000e40000e00000dc0000d80000d40000d00000cc0000c80000c40000c00000" +
        "bc0000b80000b40000b00000ac0000a80000a40000a000009c00009800009400009000008c0000880000840000800000";

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
