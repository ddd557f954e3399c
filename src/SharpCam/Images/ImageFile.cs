using OpenCvSharp;
using SharpCam.Rendering;

namespace SharpCam.Images;

/// <summary>Reads photos (JPEG, PNG, BMP, WebP) as 8-bit RGB.</summary>
public static class ImageFile
{
    /// <summary>File extensions taken when a folder or pattern is searched for images (lower case).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// Decodes an image file to RGB. Grey images are expanded to three equal channels and an alpha channel is dropped
    /// (as PIL's convert('RGB')); the EXIF orientation of JPEGs is applied, so photos come out upright.
    /// </summary>
    public static RgbImage Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"Image file not found: {path}", path, e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot read the image file {path}: {e.Message}", e);
        }
        // IMREAD_COLOR: 8-bit, 3 channels, BGR, with EXIF orientation applied (IMREAD_IGNORE_ORIENTATION is not set).
        using var bgr = bytes.Length == 0 ? new Mat() : Cv2.ImDecode(bytes, ImreadModes.Color);
        if (bgr.Empty())
            throw new InvalidDataException(
                $"Cannot decode the image file {path}: it is empty, damaged, or not a JPEG, PNG, BMP or WebP image.");
        using var rgb = new Mat();
        Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        return OpenCvImages.ToRgbImage(rgb);
    }
}
