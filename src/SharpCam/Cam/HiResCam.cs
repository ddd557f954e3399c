using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>HiResCAM (Draelos &amp; Carin, 2020): gradients times activations element-wise, summed over channels.</summary>
public sealed class HiResCam(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options = null)
    : CamMethod(model, targetLayers, options)
{
    public override string Name => "hirescam";

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients() * layer.Activations;
}
