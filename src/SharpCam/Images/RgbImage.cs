namespace SharpCam.Images;

/// <summary>
/// An 8-bit RGB picture, row-major, 3 bytes per pixel in R, G, B order: the one image type passed between image
/// loading, overlays and figures (conversions to OpenCV's BGR happen only inside the code that calls OpenCV).
/// </summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    public RgbImage(int width, int height) : this(width, height, new byte[Math.Max(0, width) * Math.Max(0, height) * 3]) { }

    public byte[] Pixels { get; init; } = Width > 0 && Height > 0 && Pixels.Length == (long)Width * Height * 3
        ? Pixels
        : throw new ArgumentException(
            $"An RgbImage of {Width}x{Height} needs a positive size and {(long)Width * Height * 3} bytes (R, G, B per pixel), got {Pixels.Length}.",
            nameof(Pixels));
}
