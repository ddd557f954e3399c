using SharpCam.Rendering;
using SharpCam.Images;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Images;

public class PngTests
{
    [Fact]
    public void WriteThenReadGivesTheSamePixelsInRgbOrder()
    {
        using var temp = new TempFolder();
        var image = new RgbImage(3, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
        var path = temp.File("nested/folder/image.png");
        Png.Write(image, path);
        var read = ImageFile.Read(path);
        Assert.Equal((3, 2), (read.Width, read.Height));
        Assert.Equal(image.Pixels, read.Pixels);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
    }

    [Fact]
    public void ReadsAPhotoWrittenByCv2AsRgb()
    {
        // photo.png was written by cv2.imwrite from BGR; a correct reader sees the cat's warm fur: red above blue.
        var photo = SharpCam.Tests.Rendering.RenderingFixture.Photo();
        Assert.Equal((192, 128), (photo.Width, photo.Height));
        long red = 0, blue = 0;
        for (int i = 0; i < photo.Pixels.Length; i += 3) { red += photo.Pixels[i]; blue += photo.Pixels[i + 2]; }
        Assert.True(red > blue * 1.1, $"mean red {red / (192 * 128)} should exceed mean blue {blue / (192 * 128)}");
    }

    [Fact]
    public void EncodingIsDeterministicAndSmallForSmoothPictures()
    {
        var image = new RgbImage(256, 64);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i / 3 % 256);
        var png = Png.Encode(image);
        Assert.Equal(png, Png.Encode(image));
        // A horizontal ramp is constant under the Sub filter: far below the 49 KB of raw pixels.
        Assert.True(png.Length < 2000, $"{png.Length} bytes");
        Assert.Equal(image.Pixels, ImageFile.Decode(png, "ramp").Pixels);
    }

    [Fact]
    public void AFolderThatCannotBeCreatedGivesAClearError()
    {
        using var temp = new TempFolder();
        var path = temp.PathUnderAFile("x.png");
        var error = Assert.Throws<IOException>(() => Png.Write(new RgbImage(2, 2), path));
        Assert.Contains(path, error.Message);
        Assert.Contains("choose another output folder", error.Message);
    }

    [Fact]
    public void AnRgbImageWithTheWrongNumberOfBytesIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new RgbImage(4, 4, new byte[47]));
        Assert.Contains("48 bytes", error.Message);
    }
}
