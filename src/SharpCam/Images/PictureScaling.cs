using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Images;

/// <summary>
/// The one resampling of pictures: antialiased on 8-bit pixels (Pillow-style), bilinear for models and for display
/// alike; bicubic where a model's published weights were trained on it.
/// </summary>
public static class PictureScaling
{
    /// <summary>uint8 planes [C, H, W] → uint8 [C, <paramref name="height"/>, <paramref name="width"/>] (bilinear unless <paramref name="mode"/> says otherwise).</summary>
    public static Tensor Resize(Tensor planes, long height, long width, InterpolationMode mode = InterpolationMode.Bilinear) =>
        functional.interpolate(planes.unsqueeze(0), [height, width], mode: mode, align_corners: false, antialias: true)[0];

    /// <summary>
    /// <paramref name="image"/> scaled down so that its longer side is at most <paramref name="maxSide"/> (a page's
    /// picture: the maps are drawn at this size); smaller pictures are returned as they are.
    /// </summary>
    public static RgbImage Fit(RgbImage image, int maxSide)
    {
        var longer = Math.Max(image.Width, image.Height);
        if (longer <= maxSide) return image;
        int width = Math.Max(1, (int)Math.Round((double)image.Width * maxSide / longer));
        int height = Math.Max(1, (int)Math.Round((double)image.Height * maxSide / longer));
        using var scope = NewDisposeScope();
        var planes = tensor(image.Pixels, new long[] { image.Height, image.Width, 3 }).permute(2, 0, 1);
        var resized = Resize(planes, height, width).permute(1, 2, 0).contiguous();
        return new RgbImage(width, height, resized.data<byte>().ToArray());
    }
}
