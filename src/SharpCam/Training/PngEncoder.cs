using OpenCvSharp;
using SharpCam.Rendering;

namespace SharpCam.Training;

/// <summary>PNG bytes of an <see cref="RgbImage"/> (OpenCV's encoder; it wants BGR order).</summary>
internal static class PngEncoder
{
    public static byte[] Encode(RgbImage image)
    {
        using var rgb = Mat.FromPixelData(image.Height, image.Width, MatType.CV_8UC3, image.Pixels);
        using var bgr = rgb.CvtColor(ColorConversionCodes.RGB2BGR);
        return bgr.ImEncode(".png");
    }
}
