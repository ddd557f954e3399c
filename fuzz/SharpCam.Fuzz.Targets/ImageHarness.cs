using SharpCam.Images;
using SharpCam.Runs;

namespace SharpCam.Fuzz;

/// <summary>
/// Photos as a run reads them (<c>RunSource.FromImages</c>): the header check against --max-pixels
/// (<see cref="ImageLimits.CheckPixels"/>), then <see cref="ImageFile.Read(string, ImageReadOptions?)"/> at full size and,
/// as --fast-decode does, at the smallest JPEG scale covering the model's 224×224 input.
/// </summary>
public static class ImageHarness
{
    private static readonly ImageReadOptions FastDecode = new() { AtLeast = new ImageSize(224, 224) };

    /// <summary>The header and the EXIF orientation: the pixel limit from the header, then the shown size from the codec.</summary>
    public static void ReadHeader(byte[] bytes, Scratch scratch)
    {
        var path = scratch.Write("input.img", bytes);
        Expect.AcceptOrRefuse<InvalidDataException>(path, () =>
        {
            ImageLimits.CheckPixels(path, ImageLimits.DefaultMaxPixels);
            ImageFile.ReadSize(path);
        });
    }

    /// <summary>The whole read, SkiaSharp's decoders included. A picture the header check passed must decode to the header's size.</summary>
    public static void Read(byte[] bytes, Scratch scratch)
    {
        var path = scratch.Write("input.img", bytes);
        Expect.AcceptOrRefuse<InvalidDataException>(path, () =>
        {
            ImageLimits.CheckPixels(path, ImageLimits.DefaultMaxPixels);
            var image = ImageFile.Read(path);
            if (ImageHeader.Read(path) is { HasSize: true } header && !header.Matches(image.Width, image.Height))
                throw new FuzzFindingException($"the header says {header.Width}×{header.Height} but the picture decodes to {image.Width}×{image.Height}: " +
                                               "the pixel limit was checked on the wrong size");
            ImageFile.Read(path, FastDecode);
        });
    }
}
