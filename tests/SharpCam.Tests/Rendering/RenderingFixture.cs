using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Rendering;
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
}
