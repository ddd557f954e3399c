using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>XGrad-CAM (Fu et al., 2020): w_c = Σ_hw (G_c ⊙ A_c) / (Σ_hw A_c + 1e-7).</summary>
[CamRegistration("xgradcam", "XGrad-CAM: channels weighted by activation-normalised gradient sums", Order = 5)]
public sealed class XGradCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        var a = layer.Activations;
        var hw = new long[] { 2, 3 };
        return (layer.RequireGradients() * a / (a.sum(hw, keepdim: true) + 1e-7f)).sum(hw, keepdim: true) * a;
    }
}
