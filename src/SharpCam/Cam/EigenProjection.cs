using static TorchSharp.torch;

namespace SharpCam.Cam;

/// <summary>
/// pytorch-grad-cam's get_2d_projection: per image, the [C, h, w] tensor as h·w samples of C features, centred per
/// channel, projected on its first principal direction (first right singular vector).
/// </summary>
public static class EigenProjection
{
    /// <summary>[N, C, h, w] → [N, h, w]. NaNs count as 0.</summary>
    public static Tensor FirstComponent(Tensor contributions) => PerImage(contributions, FirstComponentOfImage);

    /// <summary>Applies <paramref name="map"/> ([C, h, w] → [h, w]) to every image of [N, C, h, w].</summary>
    internal static Tensor PerImage(Tensor contributions, Func<Tensor, Tensor> map) =>
        stack(Enumerable.Range(0, (int)contributions.shape[0]).Select(i => map(contributions[i])).ToList());

    /// <summary>One image's [C, h, w] as h·w samples of C features, [h·w, C], NaNs as 0, each feature centred.</summary>
    internal static Tensor CentredSamples(Tensor image)
    {
        var x = nan_to_num(image).reshape(image.shape[0], -1).t();
        return x - x.mean(new long[] { 0 }, keepdim: true);
    }

    /// <summary>The centred samples [h·w, C] projected on their first right singular vector (sign as LAPACK gives it), [h·w].</summary>
    internal static Tensor UnsignedProjection(Tensor centred) => centred.matmul(linalg.svd(centred, fullMatrices: false).Vh[0]);

    /// <summary>
    /// A singular vector's sign is arbitrary (LAPACK picks one). We fix it so the projection agrees with the channel
    /// sum of the uncentred contributions (positive correlation), so "high" means "more of what the layer shows".
    /// </summary>
    private static Tensor FirstComponentOfImage(Tensor image)
    {
        var (h, w) = (image.shape[1], image.shape[2]);
        var projection = UnsignedProjection(CentredSamples(image));
        var reference = nan_to_num(image).reshape(image.shape[0], -1).sum(new long[] { 0 });
        var agreement = (projection - projection.mean()).dot(reference - reference.mean());
        return (agreement.item<float>() < 0 ? -projection : projection).reshape(h, w);
    }
}
