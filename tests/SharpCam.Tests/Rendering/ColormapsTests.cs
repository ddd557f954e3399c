using SharpCam.Tests.Support;
using SharpCam.Rendering;

namespace SharpCam.Tests.Rendering;

/// <summary>Every colour map against its library: matplotlib 3.6 (bwr, gray) and cv2 4.6 (COLORMAP_JET). Tolerance: exact.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ColormapsTests
{
    public static TheoryData<string> Names => new() { "bwr", "gray", "jet" };

    private static Colormap ByName(string name) => name switch
    {
        "bwr" => Colormaps.Bwr,
        "gray" => Colormaps.Gray,
        _ => Colormaps.Jet,
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void LookupTableEqualsTheLibrarysByteTable(string name)
    {
        var expected = RenderingFixture.ColormapReferences().Colours[name + "_lut"];
        var colormap = ByName(name);
        Assert.Equal(name, colormap.Name);
        for (int i = 0; i < Colormap.Size; i++) Assert.True(expected[i] == colormap[i], $"{name}[{i}]: expected {expected[i]}, got {colormap[i]}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ApplyPicksTheLibrarysColourForEveryProbeValue(string name)
    {
        // Probes include 0, 1, 0.5 and k/255, k/256 ± 1e-7: where truncation rules differ by one entry.
        var (values, colours) = RenderingFixture.ColormapReferences();
        var map = new float[1, values.Length];
        for (int i = 0; i < values.Length; i++) map[0, i] = values[i];
        var image = ByName(name).Apply(map);
        var expected = colours[name + "_applied"];
        for (int i = 0; i < values.Length; i++)
        {
            var actual = (image.Pixels[3 * i], image.Pixels[3 * i + 1], image.Pixels[3 * i + 2]);
            Assert.True(expected[i] == actual, $"{name}({values[i]:R}): expected {expected[i]}, got {actual}");
        }
    }

    [Fact]
    public void BwrRunsFromBlueThroughWhiteToRed()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)255), Colormaps.Bwr.ColorOf(0f));
        Assert.Equal(((byte)255, (byte)0, (byte)0), Colormaps.Bwr.ColorOf(1f));
        var (r, g, b) = Colormaps.Bwr.ColorOf(0.5f);
        Assert.True(r > 250 && g > 250 && b > 250, $"bwr(0.5) should be white, got ({r}, {g}, {b})");
    }

    [Fact]
    public void OutOfRangeValuesTakeTheEndColoursAndNaNIsRejected()
    {
        Assert.Equal(Colormaps.Bwr[0], Colormaps.Bwr.ColorOf(-3f));
        Assert.Equal(Colormaps.Bwr[255], Colormaps.Bwr.ColorOf(7f));
        var error = Assert.Throws<ArgumentException>(() => Colormaps.Jet.ColorOf(float.NaN));
        Assert.Contains("NaN", error.Message);
    }

    [Fact]
    public void ApplyToRangeSpreadsTheMapsOwnRangeOverTheColours()
    {
        // imshow's default normalisation: the smallest value is blue, the largest red, halfway white.
        var image = Colormaps.Bwr.ApplyToRange(new float[,] { { 0.1f, 0.2f, 0.3f } });
        Assert.Equal(new byte[] { 0, 0, 255 }, image.Pixels[..3]);
        Assert.Equal(new byte[] { 255, 0, 0 }, image.Pixels[6..]);
        Assert.True(image.Pixels[3..6].All(v => v > 250), $"the middle value should be white, got ({string.Join(", ", image.Pixels[3..6])})");
        // A constant map has no range: it takes the first colour, as matplotlib draws it.
        Assert.Equal(new byte[] { 0, 0, 255, 0, 0, 255 }, Colormaps.Bwr.ApplyToRange(new float[,] { { 0.4f, 0.4f } }).Pixels);
    }
}
