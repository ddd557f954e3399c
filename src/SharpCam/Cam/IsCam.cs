using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// IS-CAM, Integrated Score-CAM (Naidu et al., 2020), on torch-cam's masks: each channel's score is the mean over
/// i = 1…n of the target's score on (i/n)·M_k ⊙ x, the masked input integrated from black to full; w = softmax_c.
/// n = 10 (torch-cam's default): n forwards per channel and image, under inference mode.
/// </summary>
/// <remarks>
/// torch-cam accumulates its coefficient (coeff += (i+1)/n), so it scores i(i+1)/(2n)·M_k ⊙ x, up to 5.5× the
/// masked input for n = 10, far outside the path the method integrates over; its docstring says yet another
/// ((i−1)i/(2n)). We use the path i/n; the test shows both (docs/METHODS.md).
/// </remarks>
[CamRegistration("iscam", "IS-CAM: Score-CAM with each mask's score integrated along (i/n)·mask, i = 1…n (n forwards per channel)", Order = 21)]
public sealed class IsCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    /// <summary>The number of points on the integration path (torch-cam: 10).</summary>
    public int Samples { get; init; } = 10;

    /// <summary>The path's coefficients for n points: i/n, i = 1…n (torch-cam's accumulating ones reproduce its output).</summary>
    internal Func<int, IEnumerable<float>> Coefficients { get; init; } = n => Enumerable.Range(1, n).Select(i => (float)i / n);

    protected override bool UsesGradients => false;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        var masks = TorchCamScoreWeights.Masks(layer.Activations, new[] { pass.Input.shape[2], pass.Input.shape[3] });
        var weights = TorchCamScoreWeights.Weights(pass, layer.Name, masks, Coefficients(Samples).Select(k => masks * k),
            Samples, Options.BatchSize, (inputs, targets) => ScoreInputs(inputs, targets));
        return weights.unsqueeze(-1).unsqueeze(-1) * layer.Activations;
    }
}
