using System.Security.Cryptography;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Rendering;
using static TorchSharp.torch;

namespace SharpCam.Tests.Rendering;

/// <summary>
/// The overlay's C# ports of cv2 (resize, blur, JET, addWeighted) bit for bit against cv2 4.6 at odd sizes (1×1,
/// 3×500, 500×3, a 1×1 map, 4000×3000) with maps full of ties and exact zeros
/// (tests/fixtures/rendering/make_overlay_sizes.py). Any difference is a bug: every step is exact arithmetic
/// replicated operation for operation, so no tolerance applies.
/// </summary>
public class OverlaySizesTests
{
    private static readonly Lazy<Dictionary<string, Tensor>> Fixture =
        new(() => Npy.LoadArchive(RenderingFixture.PathOf("overlay_sizes.npz")));

    /// <summary>The script's photo(w, h): (3x + 5y + 71c + (x·y >> 4)) mod 256.</summary>
    private static RgbImage Photo(int width, int height)
    {
        var photo = new RgbImage(width, height);
        for (long y = 0, o = 0; y < height; y++)
        for (long x = 0; x < width; x++)
        for (int c = 0; c < 3; c++, o++)
            photo.Pixels[o] = (byte)((3 * x + 5 * y + 71 * c + ((x * y) >> 4)) & 255);
        return photo;
    }

    private static float[,] Floats(string key) => TensorImages.ToArray(Fixture.Value[key]);
    private static byte[] Bytes(string key) => Fixture.Value[key].data<byte>().ToArray();

    [Theory]
    [InlineData("1x1", 1, 1)]
    [InlineData("3x500", 3, 500)]
    [InlineData("500x3", 500, 3)]
    [InlineData("61x47_map1x1", 61, 47)]
    public void SmallAndThinPicturesMatchCv2StepByStep(string name, int width, int height)
    {
        var map = Floats($"{name}_map");
        var upsampled = Overlay.Upsample(map, width, height);
        OverlayTests.AssertClose(Floats($"{name}_upsampled"), upsampled, 0f, $"{name} resize");
        OverlayTests.AssertClose(Floats($"{name}_blurred"), BoxBlur.Blur(upsampled, Overlay.BlurSize), 0f, $"{name} blur");
        var expected = new RgbImage(width, height, Bytes($"{name}_overlay"));
        RenderingFixture.AssertSamePixels(expected, Overlay.OnPhoto(Photo(width, height), map), $"{name} overlay");
    }

    [Fact]
    public void A4000By3000PhotoMatchesCv2()
    {
        const string name = "4000x3000";
        var map = Floats($"{name}_map");
        var photo = Photo(4000, 3000);
        var blurred = BoxBlur.Blur(Overlay.Upsample(map, photo.Width, photo.Height), Overlay.BlurSize);
        var heat = new byte[blurred.Length];
        int i = 0;
        foreach (var v in blurred) heat[i++] = (byte)(int)(255f * v);
        var overlay = Overlay.OnPhoto(photo, map);

        // Every 37th row and column first, so a difference is located; then the hashes of every pixel.
        var sample = Bytes($"{name}_sample");
        int columns = (4000 + 36) / 37;
        for (int s = 0; s < sample.Length; s++)
        {
            int y = s / 3 / columns * 37, x = s / 3 % columns * 37;
            Assert.True(sample[s] == overlay.Pixels[3 * (y * 4000 + x) + s % 3],
                $"overlay pixel ({x}, {y}) channel {s % 3}: cv2 {sample[s]}, ours {overlay.Pixels[3 * (y * 4000 + x) + s % 3]}");
        }
        Assert.Equal(Convert.ToHexString(Bytes($"{name}_heat_sha256")), Convert.ToHexString(SHA256.HashData(heat)));
        Assert.Equal(Convert.ToHexString(Bytes($"{name}_sha256")), Convert.ToHexString(SHA256.HashData(overlay.Pixels)));
    }
}
