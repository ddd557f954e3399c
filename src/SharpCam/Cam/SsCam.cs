using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// SS-CAM, Smoothed Score-CAM (Wang et al., 2020), as torch-cam computes it: each channel's score is the mean over
/// n = 35 draws of the target's score on (M_k + noise) ⊙ x, noise ~ N(0, 2²) per pixel (no clamp); w = softmax_c.
/// n forwards per channel and image, under inference mode. The noise comes from torch's global generator
/// (torch.manual_seed makes a run repeatable); libtorch's normal kernel differs between versions and CPUs, so the
/// parity test feeds torch-cam's stored deterministic stream instead.
/// </summary>
[CamRegistration("sscam", "SS-CAM: Score-CAM with each mask's score averaged over noisy copies (n forwards per channel)", Order = 22)]
public sealed class SsCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    /// <summary>The number of noisy draws (torch-cam: 35).</summary>
    public int Samples { get; init; } = 35;

    /// <summary>The noise's standard deviation (torch-cam: 2).</summary>
    public float NoiseStd { get; init; } = 2;

    /// <summary>One draw of noise of a shape (the masks' [N, C, H, W]); called <see cref="Samples"/> times per layer, in order.</summary>
    internal Func<long[], float, Tensor> DrawNoise { get; init; } = (shape, std) => randn(shape) * std;

    protected override bool UsesGradients => false;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        var masks = TorchCamScoreWeights.Masks(layer.Activations, new[] { pass.Input.shape[2], pass.Input.shape[3] });
        var noisy = Enumerable.Range(0, Samples).Select(_ => masks + DrawNoise(masks.shape, NoiseStd).to(masks.dtype, masks.device));
        var weights = TorchCamScoreWeights.Weights(pass, layer.Name, masks, noisy, Samples, Options.BatchSize, (inputs, targets) => ScoreInputs(inputs, targets));
        return weights.unsqueeze(-1).unsqueeze(-1) * layer.Activations;
    }
}
