using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// FEM, Feature Explanation Method (Fuad et al., IPTA 2020), as pytorch-grad-cam computes it: a channel's weight is the
/// fraction of its positions whose activation exceeds μ_c + 2σ_c (its spatial mean and population standard
/// deviation), so channels with a few strong peaks count. Gradient-free and class-agnostic: it ignores the targets.
/// </summary>
[CamRegistration("fem", "FEM: channels weighted by the fraction of positions above mean + 2·std (gradient-free, ignores the target)", Order = 14)]
public sealed class Fem(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    /// <summary>pytorch-grad-cam's k: the threshold is k standard deviations above the mean.</summary>
    private const float K = 2;

    protected override bool UsesGradients => false;
    public override bool NeedsTarget => false;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) => Weights(layer.Activations) * layer.Activations;

    /// <summary>[N, C, h, w] activations → [N, C, 1, 1] weights: the fraction of positions strictly above μ + kσ.</summary>
    internal static Tensor Weights(Tensor activations)
    {
        var positions = new long[] { 2, 3 };
        var threshold = activations.mean(positions, keepdim: true) + K * activations.std(positions, unbiased: false, keepdim: true);
        return (activations > threshold).to(activations.dtype).mean(positions, keepdim: true);
    }
}
