using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Grad-CAM++ (Chattopadhay et al., 2018) with pytorch-grad-cam's closed form (exponential score):
/// α = G² / (2G² + Σ_hw A · G³ + 1e-6), 0 where G = 0; w_c = Σ_hw ReLU(G_c) α_c.
/// </summary>
[CamRegistration("gradcam++", "Grad-CAM++: channels weighted by positive gradients with second-order coefficients", Order = 4)]
public sealed class GradCamPlusPlus(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        var g = layer.RequireGradients();
        var a = layer.Activations;
        var g2 = g.square();
        var alpha = g2 / (2 * g2 + a.sum(new long[] { 2, 3 }, keepdim: true) * (g2 * g) + 1e-6f);
        alpha = where(g != 0, alpha, zeros_like(alpha));
        return (g.relu() * alpha).sum(new long[] { 2, 3 }, keepdim: true) * a;
    }
}
