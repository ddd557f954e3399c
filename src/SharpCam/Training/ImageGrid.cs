using SharpCam.Images;
using static TorchSharp.torch;

namespace SharpCam.Training;

/// <summary>
/// torchvision.utils.make_grid (default padding 2, black padding, no normalisation) followed by SummaryWriter.add_image's
/// conversion to 8 bits (× 255, truncated): the picture of a training batch the notebook logs to TensorBoard.
/// </summary>
public static class ImageGrid
{
    /// <param name="images">[N, 1 or 3, H, W] with values in [0, 1].</param>
    /// <param name="columns">Images per row (make_grid's nrow).</param>
    public static RgbImage Make(Tensor images, int columns = 8, int padding = 2)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[0] == 0)
            throw new ArgumentException($"Expected images [N, 1 or 3, H, W] with N ≥ 1; got [{string.Join(", ", images.shape)}].");
        using var scope = NewDisposeScope();
        if (images.shape[0] == 1) padding = 0; // make_grid returns a single image as it is
        long count = images.shape[0], height = images.shape[2] + padding, width = images.shape[3] + padding;
        long cols = Math.Min(columns, count), rows = (count + cols - 1) / cols;
        var rgb = images.detach().cpu().to(ScalarType.Float32).expand(-1, 3, -1, -1);
        var grid = zeros(3, rows * height + padding, cols * width + padding);
        for (long i = 0; i < count; i++)
            grid.narrow(1, i / cols * height + padding, height - padding)
                .narrow(2, i % cols * width + padding, width - padding)
                .copy_(rgb[i]);
        var bytes = (grid * 255).clamp(0, 255).to(ScalarType.Byte).permute(1, 2, 0).contiguous();
        return new RgbImage((int)grid.shape[2], (int)grid.shape[1], bytes.data<byte>().ToArray());
    }
}
