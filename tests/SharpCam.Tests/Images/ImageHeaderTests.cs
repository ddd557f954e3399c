using SharpCam.Images;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Images;

/// <summary>The header reader against the decoder, on the decoding fixtures (every format and variant) and the sample photos.</summary>
public class ImageHeaderTests
{
    private static string Decoding(string name) => RepoPaths.Fixture(Path.Combine("images", "decoding", name));

    [Theory]
    [InlineData("png_rgb16.png", "PNG")]
    [InlineData("png_palette.png", "PNG")]
    [InlineData("bmp_rgb24.bmp", "BMP")]
    [InlineData("webp_lossy.webp", "WebP")]
    [InlineData("webp_lossless.webp", "WebP")]
    [InlineData("webp_rgba_lossless.webp", "WebP")]
    [InlineData("jpeg_baseline_420.jpg", "JPEG")]
    [InlineData("jpeg_progressive.jpg", "JPEG")]
    [InlineData("jpeg_cv2.jpg", "JPEG")]
    public void GivesTheSizeTheDecoderDecodes(string file, string format)
    {
        var header = ImageHeader.Read(Decoding(file))!;
        var decoded = ImageFile.Read(Decoding(file));
        Assert.Equal((format, decoded.Width, decoded.Height), (header.Format, header.Width, header.Height));
    }

    [Fact]
    public void FindsTheJpegFrameBehindExifAndOtherSegments()
    {
        var path = Path.Combine(RepoPaths.Root, "samples", "rocket.jpg");   // JFIF, an ICC profile, a comment and two quantisation tables before the frame
        var header = ImageHeader.Read(path)!;
        Assert.Equal(("JPEG", 640, 427), (header.Format, header.Width, header.Height));
    }

    [Fact]
    public void AnExifTurnedPhotoMatchesItsUprightDecoding()
    {
        // Stored 48 wide and 64 high with orientation 6: shown (decoded) 64 × 48.
        var header = ImageHeader.Read(Decoding("jpeg_exif6.jpg"))!;
        var decoded = ImageFile.Read(Decoding("jpeg_exif6.jpg"));
        Assert.Equal((48, 64), (header.Width, header.Height));
        Assert.True(header.Matches(decoded.Width, decoded.Height));
        Assert.False(header.Matches(decoded.Width, decoded.Height + 1));
    }

    [Fact]
    public void AJpegCutBeforeItsFrameHasNoSizeAndOtherBytesAreNoHeader()
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "samples", "rocket.jpg"));
        var cut = ImageHeader.Read(new MemoryStream(bytes[..40]))!;
        Assert.Equal("JPEG", cut.Format);
        Assert.False(cut.HasSize);
        Assert.Null(ImageHeader.Read(new MemoryStream("not a picture at all, just text"u8.ToArray())));
        Assert.Null(ImageHeader.Read(new MemoryStream([])));
    }
}
