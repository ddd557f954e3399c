using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>LayerCAM (Jiang et al., 2021): positive gradients weight the activations element-wise.</summary>
[CamRegistration("layercam", "LayerCAM: activations weighted element-wise by positive gradients", Order = 6)]
public sealed class LayerCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients().relu() * layer.Activations;
}
