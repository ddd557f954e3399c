using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// KPCA-CAM (Karmani et al., 2024), as pytorch-grad-cam computes it with scikit-learn's KernelPCA(n_components = 1,
/// kernel = 'sigmoid'), here in torch: per image, the h·w centred samples X [h·w, C] of the activations, the kernel
/// K = tanh(X Xᵀ / C + 1), double-centred; its largest eigenpair (λ, v) gives the map v·√λ. Gradient-free and
/// class-agnostic: it ignores the targets.
/// </summary>
/// <remarks>
/// The eigenvector's sign follows scikit-learn (svd_flip): its entry of largest magnitude is positive. A slightly
/// negative λ (rounding) counts as 0, as scikit-learn's check does. The dense eigendecomposition costs O((h·w)³) per
/// image; scikit-learn switches to ARPACK above h·w = 200, with a random start that changes the result only within
/// its convergence tolerance.
/// </remarks>
[CamRegistration("kpcacam", "KPCA-CAM: first kernel (sigmoid) principal component of the activations (gradient-free, ignores the target)", Order = 17)]
public sealed class KpcaCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, (options ?? new CamOptions()) with { EigenSmooth = false })
{
    protected override bool UsesGradients => false;
    public override bool NeedsTarget => false;

    /// <summary>The map as one channel [N, 1, h, w]: the base's channel sum passes it on unchanged.</summary>
    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        EigenProjection.PerImage(layer.Activations, FirstKernelComponent).unsqueeze(1);

    private static Tensor FirstKernelComponent(Tensor image)
    {
        var x = EigenProjection.CentredSamples(image);                           // [n, C]
        var kernel = (x.matmul(x.t()) / image.shape[0] + 1).tanh();              // γ = 1/C, coef0 = 1
        var centred = kernel - kernel.mean(new long[] { 0 }, keepdim: true) - kernel.mean(new long[] { 1 }, keepdim: true) + kernel.mean();
        var (values, vectors) = linalg.eigh(centred);                            // ascending
        var v = vectors[.., -1];
        var sign = v[v.abs().argmax()].sign().item<float>() < 0 ? -1f : 1f;
        return (v * (sign * MathF.Sqrt(Math.Max(values[-1].item<float>(), 0f)))).reshape(image.shape[1], image.shape[2]);
    }
}
