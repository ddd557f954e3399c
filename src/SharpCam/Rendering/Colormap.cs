using SharpCam.Images;

namespace SharpCam.Rendering;

/// <summary>
/// A 256-colour lookup table together with the rule its source library uses to turn a value into a table index, so
/// <see cref="Apply"/> gives the library's pixels exactly (see <see cref="Colormaps"/> for each map's rule).
/// Values outside [0, 1] are clamped to the end colours, as matplotlib does; NaN is rejected.
/// </summary>
public sealed class Colormap
{
    public const int Size = 256;

    private readonly byte[] _rgb;
    private readonly Func<float, int> _index;

    internal Colormap(string name, byte[] rgb, Func<float, int> index)
    {
        if (rgb.Length != Size * 3) throw new ArgumentException($"A colour map needs {Size * 3} bytes, got {rgb.Length}.", nameof(rgb));
        Name = name;
        _rgb = rgb;
        _index = index;
    }

    /// <summary>The map's name in its source library, e.g. "bwr".</summary>
    public string Name { get; }

    /// <summary>Table entry <paramref name="index"/> (0..255).</summary>
    public (byte R, byte G, byte B) this[int index] => (_rgb[3 * index], _rgb[3 * index + 1], _rgb[3 * index + 2]);

    /// <summary>The table index the source library picks for <paramref name="value"/>.</summary>
    public int IndexOf(float value) => float.IsNaN(value)
        ? throw new ArgumentException($"Colour map '{Name}' cannot colour NaN: the map holds NaN values (check the model's output).")
        : Math.Clamp(_index(value), 0, Size - 1);

    public (byte R, byte G, byte B) ColorOf(float value) => this[IndexOf(value)];

    /// <summary>Colours every value of a [height, width] map: one pixel per value.</summary>
    public RgbImage Apply(float[,] map)
    {
        int height = map.GetLength(0), width = map.GetLength(1);
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = 3 * IndexOf(map[y, x]), o = 3 * (y * width + x);
            image.Pixels[o] = _rgb[i];
            image.Pixels[o + 1] = _rgb[i + 1];
            image.Pixels[o + 2] = _rgb[i + 2];
        }
        return image;
    }

    /// <summary>
    /// Colours a map scaled to its own range, as matplotlib's <c>imshow(map, cmap=…)</c> does without vmin/vmax:
    /// (v − min) / (max − min) in double, rounded to float; a constant map takes the first colour.
    /// </summary>
    public RgbImage ApplyToRange(float[,] map)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in map) { min = Math.Min(min, v); max = Math.Max(max, v); }
        var scaled = new float[map.GetLength(0), map.GetLength(1)];
        if (max > min)
            for (int y = 0; y < map.GetLength(0); y++)
            for (int x = 0; x < map.GetLength(1); x++)
                scaled[y, x] = (float)((map[y, x] - (double)min) / (max - (double)min));
        return Apply(scaled);
    }
}
