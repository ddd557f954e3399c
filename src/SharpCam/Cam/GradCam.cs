using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>Grad-CAM (Selvaraju et al., 2017): channel weights are the spatial mean of the gradients.</summary>
[CamRegistration("gradcam", "Grad-CAM: channels weighted by their mean gradient", Order = 1)]
public sealed class GradCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients().mean(new long[] { 2, 3 }, keepdim: true) * layer.Activations;
}
