using SharpCam.Images;

namespace SharpCam.Rendering;

/// <summary>
/// A map drawn onto the image it explains. Maps are [h, w] at feature resolution with values in [0, 1] (ReLU and
/// normalisation already applied); they are upsampled here.
/// </summary>
public static class Overlay
{
    /// <summary>The notebook's box blur, <c>cv2.blur(map, (50, 50))</c>.</summary>
    public const int BlurSize = 50;

    /// <summary><c>cv2.resize(map, (width, height), interpolation=cv2.INTER_LINEAR)</c> on float32 (half-pixel centres), bit for bit.</summary>
    public static float[,] Upsample(float[,] map, int width, int height)
    {
        CheckUnitRange(map, nameof(map));
        if (width <= 0 || height <= 0) throw new ArgumentException($"Cannot upsample a map to {width}x{height}.");
        return LinearResize.Resize(map, width, height);
    }

    /// <summary>
    /// The notebook's cv2 overlay on a colour photo, in this order (each step exactly cv2's, ported to C#):
    /// 1. resize the float32 map to the photo's size, INTER_LINEAR (<see cref="LinearResize"/>);
    /// 2. <c>cv2.blur(…, (50, 50))</c> on the float32 map (<see cref="BoxBlur"/>, border reflect-101) — blurring
    ///    before quantising keeps full precision and quantises once;
    /// 3. <c>np.uint8(255 * map)</c> (float32 product, truncated) and COLORMAP_JET (<see cref="Colormaps.Jet"/>, in RGB order);
    /// 4. <c>cv2.addWeighted(heat, 0.5, photo, 1.0, 0)</c>: heat·0.5 + photo in float32 (exact: halves of bytes),
    ///    rounded half to even and saturated at 255, as cv2's saturate_cast.
    /// The heat image is in RGB like the photo, so a high map value shows red.
    /// </summary>
    public static RgbImage OnPhoto(RgbImage photo, float[,] map)
    {
        var blurred = BoxBlur.Blur(Upsample(map, photo.Width, photo.Height), BlurSize);
        var heat = Colormaps.Jet.Apply(blurred);
        var sum = new RgbImage(photo.Width, photo.Height);
        for (int i = 0; i < sum.Pixels.Length; i++)
            sum.Pixels[i] = (byte)Math.Min(255f, MathF.Round(heat.Pixels[i] * 0.5f + photo.Pixels[i], MidpointRounding.ToEven));
        return sum;
    }

    /// <summary>
    /// "Heatmap × image" for a grey digit: the map upsampled to the digit's size (<see cref="Upsample"/>) times the
    /// digit's pixels (in [0, 1]), element by element, in float32. High where the digit has ink that mattered.
    /// </summary>
    public static float[,] OnDigit(float[,] digit, float[,] map)
    {
        CheckUnitRange(digit, nameof(digit));
        int height = digit.GetLength(0), width = digit.GetLength(1);
        var product = Upsample(map, width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            product[y, x] *= digit[y, x];
        return product;
    }

    /// <summary>Rejects empty maps and values that are NaN or outside [0, 1], naming the fix.</summary>
    internal static void CheckUnitRange(float[,] values, string name)
    {
        if (values.Length == 0) throw new ArgumentException($"The {name} is empty ({values.GetLength(0)}x{values.GetLength(1)}).", name);
        foreach (var v in values)
            if (!(v >= 0f && v <= 1f))
                throw new ArgumentException(
                    $"The {name} holds {v}, but values must lie in [0, 1]: normalise it first (maps: ReLU then divide by the max, as the CAM pipeline does; images: pixels / 255).",
                    name);
    }
}
