using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>HiResCAM (Draelos &amp; Carin, 2020): gradients times activations element-wise, summed over channels.</summary>
[CamRegistration("hirescam", "HiResCAM: gradients × activations element-wise, summed over channels", Order = 2)]
public sealed class HiResCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients() * layer.Activations;
}
