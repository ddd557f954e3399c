namespace SharpCam.Rendering;

/// <summary>
/// An 8-bit RGB picture, row-major, 3 bytes per pixel in R, G, B order: the one image type passed between image
/// loading, overlays and figures (conversions to OpenCV's BGR happen only inside the code that calls OpenCV).
/// </summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    public RgbImage(int width, int height) : this(width, height, new byte[width * height * 3]) { }
}
