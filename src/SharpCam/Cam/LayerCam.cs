using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>LayerCAM (Jiang et al., 2021): positive gradients weight the activations element-wise.</summary>
public sealed class LayerCam(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options = null)
    : CamMethod(model, targetLayers, options)
{
    public override string Name => "layercam";

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients().relu() * layer.Activations;
}
