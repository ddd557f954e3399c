using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Tests.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Images;

/// <summary>Image decoding against PIL's Image.open(f).convert('RGB') (tests/fixtures/zoo/make_image_fixtures.py).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ImageFileTests
{
    /// <summary>[H, W, 3] float pixels of an image, to compare with the fixtures' *_expected.npy.</summary>
    public static Tensor Pixels(RgbImage image) =>
        tensor(image.Pixels, new long[] { image.Height, image.Width, 3 }).to(ScalarType.Float32);

    [Theory]
    // Lossless formats must match PIL exactly; grey is expanded to three equal channels, alpha is dropped.
    [InlineData("rgb.png", "rgb", 0)]
    [InlineData("rgb.bmp", "rgb", 0)]
    [InlineData("rgb.webp", "rgb", 0)]
    [InlineData("grey.png", "grey", 0)]
    [InlineData("rgba.png", "rgba", 0)]
    [InlineData("palette.png", "palette", 0)]
    // JPEG: OpenCV's bundled libjpeg and Debian's libjpeg-turbo (PIL) may round the colour conversion differently;
    // measured 0 here, 1 level allowed.
    [InlineData("rgb.jpg", "rgb_jpg", 1)]
    public void DecodesLikePilConvertRgb(string file, string expected, double tolerance)
    {
        using var scope = NewDisposeScope();
        var image = ImageFile.Read(ZooFixtures.Image(file));
        Assert.Equal((40, 30), (image.Width, image.Height));
        TensorAssert.Close(Npy.Load(ZooFixtures.Image(expected + "_expected.npy")), Pixels(image), tolerance, file);
    }

    [Fact]
    public void AppliesTheExifOrientation()
    {
        using var scope = NewDisposeScope();
        // Stored 30 wide × 40 high with Orientation 6 (rotate 90° clockwise): upright it is the 40 × 30 pattern.
        var image = ImageFile.Read(ZooFixtures.Image("exif_rotate90.jpg"));
        Assert.Equal((40, 30), (image.Width, image.Height));
        TensorAssert.Close(Npy.Load(ZooFixtures.Image("exif_rotate90_expected.npy")), Pixels(image), 1, "EXIF-rotated JPEG");
        // The red block (250, 10, 10) sits top-left only when the rotation is right.
        var topLeft = image.Pixels.AsSpan((4 * 40 + 5) * 3, 3).ToArray();
        Assert.True(topLeft[0] > 200 && topLeft[1] < 60 && topLeft[2] < 60, $"pixel (5, 4) is ({string.Join(", ", topLeft)}), not red");
    }

    [Fact]
    public void RgbOrderIsRedGreenBlue()
    {
        var image = ImageFile.Read(ZooFixtures.Image("rgb.png"));
        var blueBar = image.Pixels.AsSpan((25 * 40 + 10) * 3, 3).ToArray();
        Assert.Equal(new byte[] { 10, 20, 240 }, blueBar);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void UndecodableFilesFailNamingTheFile(string kind)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "broken.png");
        var png = File.ReadAllBytes(ZooFixtures.Image("resized/chelsea_224.png"));
        File.WriteAllBytes(path, kind switch
        {
            "garbage" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray(),
            "truncated" => png[..64],
            _ => [],
        });
        var error = Assert.Throws<InvalidDataException>(() => ImageFile.Read(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void MissingFileFailsNamingTheFile()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ImageFile.Read("/nonexistent/cat.jpg"));
        Assert.Contains("/nonexistent/cat.jpg", error.Message);
    }
}
