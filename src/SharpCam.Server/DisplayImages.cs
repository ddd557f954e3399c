using SharpCam.Images;
using SharpCam.Rendering;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Server;

/// <summary>Pictures scaled for the page: the maps are drawn at this size, so a 12-megapixel photo does not cost 12 megapixels per click.</summary>
public static class DisplayImages
{
    /// <summary>
    /// <paramref name="image"/> scaled down (antialiased bilinear, the resampling the preprocessing uses) so that its
    /// longer side is at most <paramref name="maxSide"/>; smaller pictures are returned as they are.
    /// </summary>
    public static RgbImage Fit(RgbImage image, int maxSide)
    {
        var longer = Math.Max(image.Width, image.Height);
        if (longer <= maxSide) return image;
        int width = Math.Max(1, (int)Math.Round((double)image.Width * maxSide / longer));
        int height = Math.Max(1, (int)Math.Round((double)image.Height * maxSide / longer));
        using var scope = NewDisposeScope();
        var planes = tensor(image.Pixels, new long[] { image.Height, image.Width, 3 }).permute(2, 0, 1).unsqueeze(0);
        var resized = nn.functional.interpolate(planes, [height, width], mode: InterpolationMode.Bilinear, align_corners: false,
                                                antialias: true)[0].permute(1, 2, 0).contiguous();
        return new RgbImage(width, height, resized.data<byte>().ToArray());
    }
}
