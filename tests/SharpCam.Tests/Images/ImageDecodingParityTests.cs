using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Images;

/// <summary>
/// <see cref="ImageFile"/> against the notebook's reader, cv2.imdecode(IMREAD_COLOR) read as RGB, on one file per format
/// and variant (tests/fixtures/images/make_decoding_fixtures.py; it also prints how PIL compares: equal to cv2 on
/// every file here except 16-bit grey PNG, which PIL clips instead of scaling).
/// </summary>
public class ImageDecodingParityTests
{
    private static string PathOf(string name) => RepoPaths.Fixture(Path.Combine("images", "decoding", name));

    private static readonly Lazy<Dictionary<string, byte[]>> Expected = new(() =>
    {
        var arrays = Npy.LoadArchive(PathOf("expected.npz"));
        try { return arrays.ToDictionary(kv => kv.Key, kv => kv.Value.data<byte>().ToArray()); }
        finally { foreach (var t in arrays.Values) t.Dispose(); }
    });

    [Theory]
    // Lossless formats, every bit depth and channel layout: exact. 16-bit channels keep their high byte (libpng's
    // strip-16, what cv2 does); alpha is dropped without compositing; palette transparency is ignored.
    [InlineData("png_rgb8.png")]
    [InlineData("png_rgb16.png")]
    [InlineData("png_grey8.png")]
    [InlineData("png_grey16.png")]
    [InlineData("png_palette.png")]
    [InlineData("png_palette_trns.png")]
    [InlineData("png_rgba8.png")]
    [InlineData("png_rgba16.png")]
    [InlineData("png_grey_alpha.png")]
    [InlineData("bmp_rgb24.bmp")]
    [InlineData("bmp_palette8.bmp")]
    [InlineData("webp_lossless.webp")]
    [InlineData("webp_rgba_lossless.webp")]
    // Lossy formats: Skia's bundled libjpeg-turbo / libwebp and Debian's (cv2's) use the same integer IDCT, the same
    // fancy chroma upsampling and the same fixed-point YCbCr → RGB, so their pixels are equal, not merely close.
    [InlineData("webp_lossy.webp")]
    [InlineData("jpeg_baseline_420.jpg")]
    [InlineData("jpeg_baseline_444.jpg")]
    [InlineData("jpeg_progressive.jpg")]
    [InlineData("jpeg_grey.jpg")]
    [InlineData("jpeg_cv2.jpg")]
    // EXIF orientations 2..8 (1 is every other file): each shows the same upright 64 × 48 pattern.
    [InlineData("jpeg_exif2.jpg")]
    [InlineData("jpeg_exif3.jpg")]
    [InlineData("jpeg_exif4.jpg")]
    [InlineData("jpeg_exif5.jpg")]
    [InlineData("jpeg_exif6.jpg")]
    [InlineData("jpeg_exif7.jpg")]
    [InlineData("jpeg_exif8.jpg")]
    public void DecodesLikeCv2ImreadColor(string file)
    {
        var image = ImageFile.Read(PathOf(file));
        var expected = Expected.Value[file.Replace('.', '_')];
        Assert.Equal(expected.Length, image.Pixels.Length);
        int off = 0, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - image.Pixels[i]);
            if (d > 0) off++;
            worst = Math.Max(worst, d);
        }
        Assert.True(off == 0, $"{file} ({image.Width}x{image.Height}): {off} channels differ from cv2, by up to {worst}");
    }

    [Fact]
    public void ReadSizeGivesTheShownSizeFromTheHeader()
    {
        Assert.Equal(new ImageSize(41, 31), ImageFile.ReadSize(PathOf("jpeg_progressive.jpg")));
        Assert.Equal(new ImageSize(64, 48), ImageFile.ReadSize(PathOf("png_rgb16.png")));
        // Stored 48 wide × 64 high, orientation 6: shown 64 × 48.
        Assert.Equal(new ImageSize(64, 48), ImageFile.ReadSize(PathOf("jpeg_exif6.jpg")));
    }

    [Theory]
    [InlineData("jpeg_cmyk.jpg")]            // Adobe APP14 segment, inverted inks (Photoshop's and PIL's CMYK)
    [InlineData("jpeg_cmyk_no_adobe.jpg")]   // the same scan without the segment: both readers still take the inks as inverted
    public void CmykJpegsDecodeLikeCv2(string file)
    {
        // libjpeg gives both readers the same 8-bit inks c (each of C, M, Y as stored) and k (the same integer IDCT as
        // the other JPEGs above), and each makes a channel of ink × black in fixed point, rounding differently:
        // cv2 (icvCvt_CMYK2BGR_8u_C4C3R) k − ⌊(255 − c)·k / 256⌋, Skia (SkMulDiv255Round) round(c·k / 255). The
        // tolerance is how far apart those two can be, over every (c, k): that is all that differs.
        int below = 0, above = 0;
        for (int c = 0; c < 256; c++)
            for (int k = 0; k < 256; k++)
            {
                int product = c * k + 128, skia = (product + (product >> 8)) >> 8, cv2 = k - ((255 - c) * k >> 8);
                below = Math.Max(below, cv2 - skia);
                above = Math.Max(above, skia - cv2);
            }
        Assert.Equal((2, 0), (below, above));   // the derivation above, checked: Skia's value is 0 to 2 below cv2's

        var image = ImageFile.Read(PathOf(file));
        var expected = Expected.Value[file.Replace('.', '_')];
        Assert.Equal(expected.Length, image.Pixels.Length);
        int worstBelow = 0, worstAbove = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worstBelow = Math.Max(worstBelow, expected[i] - image.Pixels[i]);
            worstAbove = Math.Max(worstAbove, image.Pixels[i] - expected[i]);
        }
        Assert.True(worstBelow <= below && worstAbove <= above,
                    $"{file}: pixels are up to {worstBelow} below and {worstAbove} above cv2's; the formulas allow {below} below, {above} above");
    }

    [Fact]
    public void PicturesOverThePixelLimitAreRefusedBeforeDecoding()
    {
        var path = PathOf("png_rgb8.png");
        var error = Assert.Throws<InvalidDataException>(() => ImageFile.Read(path, new ImageReadOptions { MaxPixels = 64 * 48 - 1 }));
        Assert.Contains(path, error.Message);
        Assert.Contains("3,071", error.Message);  // the limit, as given
        Assert.Equal(64, ImageFile.Read(path, new ImageReadOptions { MaxPixels = 64 * 48 }).Width);
    }

    [Theory]
    [InlineData(64, 48, 64, 48)]   // nothing smaller covers the request: full size
    [InlineData(32, 24, 32, 24)]   // 4/8
    [InlineData(30, 20, 32, 24)]   // 4/8 is the smallest eighth that covers 30 × 20
    [InlineData(1, 1, 8, 6)]       // 1/8
    public void JpegsDecodeAtTheSmallestScaleThatCoversTheRequest(int width, int height, int expectedWidth, int expectedHeight)
    {
        var image = ImageFile.Read(PathOf("jpeg_baseline_444.jpg"), new ImageReadOptions { AtLeast = new ImageSize(width, height) });
        Assert.Equal((expectedWidth, expectedHeight), (image.Width, image.Height));
    }

    [Theory]
    // libjpeg's scaled IDCT (scale 1/2, 1/4, 1/8) in Skia's bundled libjpeg-turbo and in Debian's, which cv2's
    // IMREAD_REDUCED_COLOR_2/4/8 call: the same integer arithmetic, so equal pixels. Odd sizes round up (41 / 2 → 21).
    [InlineData("jpeg_baseline_420.jpg", 2)]
    [InlineData("jpeg_baseline_420.jpg", 4)]
    [InlineData("jpeg_baseline_420.jpg", 8)]
    [InlineData("jpeg_baseline_444.jpg", 2)]
    [InlineData("jpeg_baseline_444.jpg", 8)]
    [InlineData("jpeg_progressive.jpg", 4)]
    [InlineData("jpeg_grey.jpg", 2)]
    [InlineData("jpeg_cv2.jpg", 2)]
    [InlineData("jpeg_exif6.jpg", 2)]
    [InlineData("jpeg_exif3.jpg", 4)]
    public void ReducedScaleDecodesLikeCv2ImreadReduced(string file, int factor)
    {
        var full = ImageFile.ReadSize(PathOf(file));
        var request = new ImageSize((full.Width + factor - 1) / factor, (full.Height + factor - 1) / factor);
        var image = ImageFile.Read(PathOf(file), new ImageReadOptions { AtLeast = request });
        var expected = Expected.Value[$"{file.Replace('.', '_')}_reduced{factor}"];
        Assert.Equal((request.Width, request.Height), (image.Width, image.Height));
        Assert.Equal(expected, image.Pixels);
    }

    [Fact]
    public void ReducedScaleKeepsTheOrientationAndTheColours()
    {
        // Orientation 6 stores 48 × 64; a 16 × 12 request (shown) is 12 × 16 stored: 2/8 gives 12 × 16, shown 16 × 12.
        var small = ImageFile.Read(PathOf("jpeg_exif6.jpg"), new ImageReadOptions { AtLeast = new ImageSize(16, 12) });
        Assert.Equal((16, 12), (small.Width, small.Height));
        // The red block (rows 2..7, columns 2..11 at full size) lands at about (1, 1) at quarter size.
        var topLeft = small.Pixels.AsSpan((1 * 16 + 1) * 3, 3).ToArray();
        Assert.True(topLeft[0] > 150 && topLeft[2] < 100, $"pixel (1, 1) is ({string.Join(", ", topLeft)}), not red");
    }

    [Fact]
    public void OtherFormatsIgnoreTheScaleRequest()
    {
        var image = ImageFile.Read(PathOf("png_rgb8.png"), new ImageReadOptions { AtLeast = new ImageSize(8, 8) });
        Assert.Equal((64, 48), (image.Width, image.Height));
    }
}
