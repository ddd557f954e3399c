using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Smooth Grad-CAM++ (Omeiza et al., 2019), on torch-cam's formula: n = 4 copies of the input with N(0, 0.3²) noise,
/// each a forward and backward; over the copies g1 = mean G, g2 = mean G², g3 = mean G³;
/// α = g2 / (2·g2 + Σ_hw(g3 ⊙ A) + 1e-8), w_c = Σ_hw α ⊙ ReLU(g1), map Σ_c w_c A with A the clean input's activations.
/// Costs 1 + n forwards and backwards.
/// </summary>
/// <remarks>
/// torch-cam differs in two places, both reproduced by <see cref="TorchCamQuirks"/> (the parity test) and shown in
/// docs/METHODS.md: it weighs ReLU of the <em>last</em> copy's gradient instead of the averaged one, and — its hooks
/// staying on during the noisy forwards — it combines the weights with the last noisy copy's activations, not the
/// clean image's (changing set A's maps by up to 0.59). The noise comes from torch's global generator.
/// </remarks>
[CamRegistration("smoothgradcam++", "Smooth Grad-CAM++: Grad-CAM++ with gradients averaged over noisy copies of the input (1 + n passes)", Order = 23)]
public sealed class SmoothGradCamPlusPlus(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    /// <summary>The number of noisy copies (torch-cam: 4).</summary>
    public int Samples { get; init; } = 4;

    /// <summary>The noise's standard deviation on the input (torch-cam: 0.3).</summary>
    public float NoiseStd { get; init; } = 0.3f;

    /// <summary>One draw of input noise of a shape ([N, C, H, W]), called <see cref="Samples"/> times per layer, in order.</summary>
    internal Func<long[], float, Tensor> DrawNoise { get; init; } = (shape, std) => randn(shape) * std;

    /// <summary>torch-cam's way: ReLU of the last copy's gradient, and the last copy's activations in the map.</summary>
    internal bool TorchCamQuirks { get; init; }

    /// <summary>The clean pass only records the activations; the gradients come from the noisy copies.</summary>
    protected override bool UsesGradients => false;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        Tensor g1 = zeros_like(layer.Activations), g2 = zeros_like(g1), g3 = zeros_like(g1);
        Tensor lastGradient = g1, lastActivations = layer.Activations;
        for (int s = 0; s < Samples; s++)
        {
            var noisy = pass.Input + DrawNoise(pass.Input.shape, NoiseStd).to(pass.Input.dtype, pass.Input.device);
            var capture = Record(noisy, pass.Targets, GradientScope.TargetLayers).Recorded.Captures.First(c => c.Name == layer.Name);
            var g = capture.RequireGradients();
            g1 += g;
            g2 += g.square();
            g3 += g.pow(3);
            (lastGradient, lastActivations) = (g, capture.Activations);
            pass.Progress?.Report(new ProgressUpdate($"Smooth Grad-CAM++ {layer.Name}", s + 1, Samples));
        }
        (g1, g2, g3) = (g1 / Samples, g2 / Samples, g3 / Samples);
        var positions = new long[] { 2, 3 };
        var alpha = g2 / (2 * g2 + (g3 * layer.Activations).sum(positions, keepdim: true) + 1e-8f);
        var weights = (alpha * (TorchCamQuirks ? lastGradient : g1).relu()).sum(positions, keepdim: true);
        return weights * (TorchCamQuirks ? lastActivations : layer.Activations);
    }
}
