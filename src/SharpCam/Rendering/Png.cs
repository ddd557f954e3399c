using OpenCvSharp;
using SharpCam.IO;

namespace SharpCam.Rendering;

/// <summary>PNG files of <see cref="RgbImage"/>s, written atomically (<see cref="Images.ImageFile.Read"/> reads them back).</summary>
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
