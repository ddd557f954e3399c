using System.Buffers.Binary;
using SharpCam.Images;
using SharpCam.Server;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Server;

/// <summary>The header check on real files written by PIL (tests/fixtures/serve/make_pictures.py) and on the sample photos.</summary>
public class UploadHeaderTests
{
    private const long Limit = 40_000_000;

    [Theory]
    [InlineData("serve/gradient.png", "PNG")]
    [InlineData("serve/gradient.jpg", "JPEG")]
    [InlineData("serve/gradient.bmp", "BMP")]
    [InlineData("serve/gradient-lossy.webp", "WebP")]
    [InlineData("serve/gradient-lossless.webp", "WebP")]
    public void ReadsFormatAndSizeOfEveryAcceptedFormat(string fixture, string format)
    {
        var header = UploadHeader.Inspect(File.ReadAllBytes(RepoPaths.Fixture(fixture)), Limit);
        Assert.Equal((format, 7, 5), (header.Format, header.Width, header.Height));
    }

    [Theory]
    [InlineData("chelsea.png")]
    [InlineData("rocket.jpg")]
    public void AgreesWithTheDecoderOnThePhotos(string sample)
    {
        var path = Path.Combine(RepoPaths.Root, "samples", sample);
        var header = UploadHeader.Inspect(File.ReadAllBytes(path), Limit);
        var decoded = ImageFile.Read(path);
        Assert.Equal((decoded.Width, decoded.Height), (header.Width, header.Height));
    }

    [Theory]
    [InlineData("serve/gradient.png")]
    [InlineData("serve/gradient.jpg")]
    [InlineData("serve/gradient.bmp")]
    [InlineData("serve/gradient-lossy.webp")]
    public void RefusesATruncatedFile(string fixture)
    {
        var bytes = File.ReadAllBytes(RepoPaths.Fixture(fixture));
        var refused = Assert.Throws<RequestRefusedException>(() => UploadHeader.Inspect(bytes[..^12], Limit));
        Assert.Equal(422, refused.Status);
        Assert.Contains("truncated", refused.Message);
    }

    [Fact]
    public void RefusesADecompressionBombBeforeDecoding()
    {
        // A real 7×5 PNG whose header is rewritten to claim 30000×30000 (900 megapixels; a few hundred bytes on disk).
        var bytes = File.ReadAllBytes(RepoPaths.Fixture("serve/gradient.png"));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), 30000);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), 30000);
        var refused = Assert.Throws<RequestRefusedException>(() => UploadHeader.Inspect(bytes, Limit));
        Assert.Equal(413, refused.Status);
        Assert.Contains("30000×30000 = 900 megapixels; the limit is 40", refused.Message);
    }

    [Fact]
    public void RefusesWhatIsNotAPicture()
    {
        Assert.Equal(415, Assert.Throws<RequestRefusedException>(() => UploadHeader.Inspect("just some text, not a picture"u8.ToArray(), Limit)).Status);
        Assert.Contains("empty", Assert.Throws<RequestRefusedException>(() => UploadHeader.Inspect([], Limit)).Message);
    }
}
