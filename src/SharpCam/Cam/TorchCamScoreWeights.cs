using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// torch-cam's Score-CAM family weights (SS-CAM, IS-CAM): each channel of A is min-max normalised at feature
/// resolution (x − min, / (max + 1e-8)) and upsampled (bilinear, half-pixel) to a mask M_k; the target is scored on
/// variants of M_k ⊙ x (made by the method), averaged over the variants, and w = softmax over channels.
/// pytorch-grad-cam's Score-CAM masks differ (upsampled first, corner-aligned, then normalised).
/// </summary>
internal static class TorchCamScoreWeights
{
    /// <summary>[N, C, h, w] activations → [N, C, H, W] masks.</summary>
    public static Tensor Masks(Tensor activations, long[] size)
    {
        var flat = activations.flatten(2);
        var shifted = flat - flat.amin(new long[] { 2 }, keepdim: true);
        var normalised = (shifted / (shifted.amax(new long[] { 2 }, keepdim: true) + 1e-8f)).view_as(activations);
        return functional.interpolate(normalised, size, mode: InterpolationMode.Bilinear, align_corners: false);
    }

    /// <summary>
    /// softmax_c of the mean over variants v of score(variant_v(M) ⊙ x), [N, C]; <paramref name="variants"/> gives, per
    /// v, the [N, C, H, W] masks to use (made one at a time and released after use: at 224×224 one is 100 kB per
    /// channel and image). Masked inputs are scored <paramref name="batchSize"/> at a time, image-major.
    /// </summary>
    public static Tensor Weights(CamPass pass, string layerName, Tensor masks, IEnumerable<Tensor> variants, int variantCount,
                                 int batchSize, Func<Tensor, IReadOnlyList<ICamTarget>, Tensor> score)
    {
        var (n, c) = (masks.shape[0], masks.shape[1]);
        var sum = zeros(n * c, dtype: masks.dtype, device: masks.device);
        int count = 0;
        foreach (var variant in variants)
        {
            var rows = variant.flatten(0, 1);                                   // [N·C, H, W]
            for (long start = 0; start < n * c; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var size = Math.Min(batchSize, n * c - start);
                var images = Enumerable.Range(0, (int)size).Select(r => (start + r) / c).ToArray();
                var inputs = pass.Input.index_select(0, tensor(images, device: pass.Input.device)) * rows.narrow(0, start, size).unsqueeze(1);
                sum.narrow(0, start, size).add_(score(inputs, images.Select(i => pass.Targets[(int)i]).ToList()));
            }
            variant.Dispose();
            count++;
            pass.Progress?.Report(new ProgressUpdate($"{layerName}: masked variants", count, variantCount));
        }
        return (sum / count).view(n, c).softmax(1);
    }
}
