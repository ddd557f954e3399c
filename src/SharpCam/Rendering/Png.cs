using OpenCvSharp;
using SharpCam.IO;

namespace SharpCam.Rendering;

/// <summary>PNG files of <see cref="RgbImage"/>s, written atomically.</summary>
public static class Png
{
    public static void Write(RgbImage image, string path)
    {
        using var rgb = OpenCvImages.ToMat(image);
        using var bgr = new Mat();
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        Cv2.ImEncode(".png", bgr, out var bytes);
        WriteFile(path, bytes, "image");
    }

    /// <summary>Reads a PNG (or any image OpenCV decodes) as 8-bit RGB; an alpha channel is dropped.</summary>
    public static RgbImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        using var bgr = Cv2.ImDecode(bytes, ImreadModes.Color);
        if (bgr.Empty()) throw new InvalidDataException($"{path}: not a readable image file (expected a PNG).");
        using var rgb = new Mat();
        Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        return OpenCvImages.ToRgbImage(rgb);
    }

    /// <summary>Writes encoded bytes atomically; a folder that cannot be made or written gets a message naming the file.</summary>
    internal static void WriteFile(string path, byte[] bytes, string what)
    {
        try
        {
            AtomicFile.Write(path, stream => stream.Write(bytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException(
                $"Cannot write the {what} '{path}': {e.Message} Check that its folder can be created and written, or choose another output folder.", e);
        }
    }
}
