using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Seg-Eigen-CAM (Chung &amp; Ying, Appl. Sci. 2025), as pytorch-grad-cam computes it: the first principal component
/// of |G| ⊙ A, its sign chosen so that the projection's larger extreme is positive (flipped when |min p| &gt; |max p|).
/// </summary>
/// <remarks>
/// The contributions are that projection already, as one channel [N, 1, h, w], so the base's channel sum passes it on
/// unchanged; eigen-smooth does not apply (the map is a principal component already).
/// </remarks>
[CamRegistration("segeigencam", "Seg-Eigen-CAM: first principal component of |gradients| × activations, sign by its larger extreme", Order = 16)]
public sealed class SegEigenCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, (options ?? new CamOptions()) with { EigenSmooth = false })
{
    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        EigenProjection.PerImage(layer.RequireGradients().abs() * layer.Activations, SignCorrectedComponent).unsqueeze(1);

    private static Tensor SignCorrectedComponent(Tensor image)
    {
        var projection = EigenProjection.UnsignedProjection(EigenProjection.CentredSamples(image));
        var flip = projection.min().abs().item<float>() > projection.max().abs().item<float>();
        return (flip ? -projection : projection).reshape(image.shape[1], image.shape[2]);
    }
}
