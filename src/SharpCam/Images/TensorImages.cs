using static TorchSharp.torch;

namespace SharpCam.Images;

/// <summary>The edge between tensors and rendering: maps become float[h, w], images become <see cref="RgbImage"/>s.</summary>
public static class TensorImages
{
    /// <summary>A map or grey image, [h, w] or [1, h, w], as float[h, w] (copied to the CPU as float32).</summary>
    public static float[,] ToArray(Tensor map)
    {
        using var scope = NewDisposeScope();
        var plane = map.dim() == 3 && map.shape[0] == 1 ? map[0] : map;
        if (plane.dim() != 2)
            throw new ArgumentException($"A map must be [h, w] or [1, h, w]; got [{string.Join(", ", map.shape)}].", nameof(map));
        var data = plane.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var array = new float[plane.shape[0], plane.shape[1]];
        Buffer.BlockCopy(data, 0, array, 0, data.Length * sizeof(float));
        return array;
    }

    /// <summary>
    /// An image tensor [1, H, W] (grey) or [3, H, W] (RGB) with values in [0, 1] (undo any mean/std normalisation
    /// first) as 8-bit RGB: round(255·v), clamped.
    /// </summary>
    public static RgbImage ToRgbImage(Tensor image)
    {
        if (image.dim() != 3 || (image.shape[0] != 1 && image.shape[0] != 3))
            throw new ArgumentException($"An image must be [1, H, W] or [3, H, W]; got [{string.Join(", ", image.shape)}].", nameof(image));
        using var scope = NewDisposeScope();
        var hwc = image.detach().cpu().to(ScalarType.Float32).expand(3, -1, -1).permute(1, 2, 0)
            .mul(255).round().clamp(0, 255).to(ScalarType.Byte).contiguous();
        return new RgbImage((int)image.shape[2], (int)image.shape[1], hwc.data<byte>().ToArray());
    }
}
