using static TorchSharp.torch;

namespace SharpCam.Cam;

/// <summary>
/// pytorch-grad-cam's get_2d_projection: per image, the [C, h, w] tensor as h·w samples of C features, centred per
/// channel, projected on its first principal direction (first right singular vector).
/// </summary>
public static class EigenProjection
{
    /// <summary>[N, C, h, w] → [N, h, w]. NaNs count as 0.</summary>
    public static Tensor FirstComponent(Tensor contributions) =>
        stack(Enumerable.Range(0, (int)contributions.shape[0]).Select(i => FirstComponentOfImage(contributions[i])).ToList());

    /// <summary>
    /// A singular vector's sign is arbitrary (LAPACK picks one). We fix it so the projection agrees with the channel
    /// sum of the uncentred contributions (positive correlation), so "high" means "more of what the layer shows".
    /// </summary>
    private static Tensor FirstComponentOfImage(Tensor image)
    {
        var (c, h, w) = (image.shape[0], image.shape[1], image.shape[2]);
        var x = nan_to_num(image).reshape(c, h * w).t();              // [h·w, C]
        var centred = x - x.mean(new long[] { 0 }, keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        var projection = centred.matmul(vh[0]);
        var reference = x.sum(1);
        var agreement = (projection - projection.mean()).dot(reference - reference.mean());
        return (agreement.item<float>() < 0 ? -projection : projection).reshape(h, w);
    }
}
