using SharpCam.Tests.Support;
using SharpCam.Rendering;
using SharpCam.Images;

namespace SharpCam.Tests.Rendering;

/// <summary>The overlays against cv2 4.6 / numpy on the committed photo, LeNet map and Fashion-MNIST image: bit for bit.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class OverlayTests
{
    [Fact]
    public void PhotoOverlayMatchesCv2PixelForPixel()
    {
        var expected = ImageFile.Read(RenderingFixture.PathOf("overlay.png"));
        var actual = Overlay.OnPhoto(RenderingFixture.Photo(), RenderingFixture.PhotoMap());
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        RenderingFixture.AssertSamePixels(expected, actual, "overlay");
    }

    [Fact]
    public void PhotoOverlayAddsRedWhereTheMapIsHighAndBlueWhereItIsLow()
    {
        // Guards against the BGR/RGB mix-up: with channels swapped, the hot spot would gain blue.
        var photo = RenderingFixture.Photo();
        var map = RenderingFixture.PhotoMap();
        var overlay = Overlay.OnPhoto(photo, map);
        var upsampled = Overlay.Upsample(map, photo.Width, photo.Height);
        var (hot, cold) = (Extreme(upsampled, max: true), Extreme(upsampled, max: false));
        var (hotRed, _, hotBlue) = Gain(photo, overlay, hot);
        var (coldRed, _, coldBlue) = Gain(photo, overlay, cold);
        Assert.True(hotRed > hotBlue, $"at the map's peak {hot} red gained {hotRed}, blue {hotBlue}");
        Assert.True(coldBlue > coldRed, $"at the map's minimum {cold} blue gained {coldBlue}, red {coldRed}");
    }

    [Fact]
    public void UpsampleMatchesCv2InterLinear()
    {
        var digit = RenderingFixture.Digit();
        AssertClose(digit["upsampled"], Overlay.Upsample(digit["map"], 28, 28), 0f, "upsampled map");
    }

    [Fact]
    public void DigitOverlayIsTheUpsampledMapTimesTheImage()
    {
        var digit = RenderingFixture.Digit();
        AssertClose(digit["product"], Overlay.OnDigit(digit["image"], digit["map"]), 0f, "heatmap × image");
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void MapsOutsideZeroToOneAreRejectedWithTheFix(float bad)
    {
        var map = new float[2, 2];
        map[1, 1] = bad;
        var error = Assert.Throws<ArgumentException>(() => Overlay.OnPhoto(RenderingFixture.Photo(), map));
        Assert.Contains("[0, 1]", error.Message);
        Assert.Contains("normalise", error.Message);
    }

    private static (int X, int Y) Extreme(float[,] map, bool max)
    {
        var best = (X: 0, Y: 0);
        for (int y = 0; y < map.GetLength(0); y++)
        for (int x = 0; x < map.GetLength(1); x++)
            if (max ? map[y, x] > map[best.Y, best.X] : map[y, x] < map[best.Y, best.X]) best = (x, y);
        return best;
    }

    private static (int R, int G, int B) Gain(RgbImage before, RgbImage after, (int X, int Y) at)
    {
        int o = 3 * (at.Y * before.Width + at.X);
        return (after.Pixels[o] - before.Pixels[o], after.Pixels[o + 1] - before.Pixels[o + 1], after.Pixels[o + 2] - before.Pixels[o + 2]);
    }

    internal static void AssertClose(float[,] expected, float[,] actual, float tolerance, string what)
    {
        Assert.Equal((expected.GetLength(0), expected.GetLength(1)), (actual.GetLength(0), actual.GetLength(1)));
        float worst = 0;
        for (int y = 0; y < expected.GetLength(0); y++)
        for (int x = 0; x < expected.GetLength(1); x++)
            worst = Math.Max(worst, Math.Abs(expected[y, x] - actual[y, x]));
        Assert.True(worst <= tolerance, $"{what}: max abs difference {worst:G4} exceeds {tolerance:G4}");
    }
}
