using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Random-CAM, the baseline of pytorch-grad-cam's metrics tutorial (no paper): channel weights drawn uniformly from
/// [−1, 1], one per image and channel. A metric that cannot tell a method from this is not measuring the method.
/// pytorch-grad-cam runs (and ignores) the backward pass; this one skips it.
/// </summary>
/// <remarks>
/// The weights come from torch's global generator (torch.manual_seed makes a run repeatable). numpy's stream, which pytorch-grad-cam draws from, cannot be replayed, so the
/// parity test feeds the reference's stored weights through <see cref="DrawWeights"/> and checks the distribution
/// separately.
/// </remarks>
[CamRegistration("randomcam", "Random-CAM: channels weighted uniformly at random in [-1, 1] (a baseline for metrics)", Order = 15)]
public sealed class RandomCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    protected override bool UsesGradients => false;
    public override bool NeedsTarget => false;

    /// <summary>Where the [N, C] weights come from: (images, channels, dtype, device) → weights.</summary>
    internal Func<long, long, ScalarType, Device, Tensor> DrawWeights { get; init; } = (n, c, dtype, device) =>
        rand(n, c, dtype: dtype, device: device) * 2 - 1;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        var a = layer.Activations;
        return DrawWeights(a.shape[0], a.shape[1], a.dtype, a.device).to(a.dtype, a.device).unsqueeze(-1).unsqueeze(-1) * a;
    }
}
