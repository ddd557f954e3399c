using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Rendering;

/// <summary>The committed references of tests/fixtures/rendering (made by make_rendering_fixtures.py with cv2/matplotlib).</summary>
internal static class RenderingFixture
{
    public static string PathOf(string name) => RepoPaths.Fixture(Path.Combine("rendering", name));

    public static RgbImage Photo() => ImageFile.Read(PathOf("photo.png"));

    public static float[,] PhotoMap()
    {
        using var map = Npy.Load(PathOf("photo_map.npy"));
        return TensorImages.ToArray(map);
    }

    /// <summary>digit.npz as arrays: image, map, upsampled, product.</summary>
    public static Dictionary<string, float[,]> Digit()
    {
        var arrays = Npy.LoadArchive(PathOf("digit.npz"));
        try { return arrays.ToDictionary(kv => kv.Key, kv => TensorImages.ToArray(kv.Value)); }
        finally { foreach (var t in arrays.Values) t.Dispose(); }
    }

    public static RgbImage DigitImage() => SharpCam.Rendering.Colormaps.Gray.Apply(Digit()["image"]);

    /// <summary>colormaps.npz: "values" as floats, every other entry as rows of (R, G, B).</summary>
    public static (float[] Values, Dictionary<string, (byte R, byte G, byte B)[]> Colours) ColormapReferences()
    {
        var arrays = Npy.LoadArchive(PathOf("colormaps.npz"));
        try
        {
            var values = arrays["values"].data<float>().ToArray();
            var colours = arrays.Where(kv => kv.Key != "values").ToDictionary(kv => kv.Key, kv => Rows(kv.Value));
            return (values, colours);
        }
        finally { foreach (var t in arrays.Values) t.Dispose(); }
    }

    private static (byte R, byte G, byte B)[] Rows(Tensor rgb)
    {
        var flat = rgb.data<long>().ToArray();
        return Enumerable.Range(0, flat.Length / 3).Select(i => ((byte)flat[3 * i], (byte)flat[3 * i + 1], (byte)flat[3 * i + 2])).ToArray();
    }

    /// <summary>Fails naming how many channels differ, by how much at most, and the first such pixel.</summary>
    public static void AssertSamePixels(RgbImage expected, RgbImage actual, string what)
    {
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        int worst = 0, off = 0, first = -1;
        for (int i = 0; i < expected.Pixels.Length; i++)
        {
            int d = Math.Abs(expected.Pixels[i] - actual.Pixels[i]);
            if (d == 0) continue;
            worst = Math.Max(worst, d);
            off++;
            if (first < 0) first = i / 3;
        }
        Assert.True(off == 0,
            $"{what} differs from cv2 in {off} of {expected.Pixels.Length} channels, by up to {worst} levels (first at x={first % expected.Width}, y={first / expected.Width})");
    }
}
