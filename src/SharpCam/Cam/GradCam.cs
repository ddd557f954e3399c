using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>Grad-CAM (Selvaraju et al., 2017): channel weights are the spatial mean of the gradients.</summary>
public sealed class GradCam(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options = null)
    : CamMethod(model, targetLayers, options)
{
    public override string Name => "gradcam";

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients().mean(new long[] { 2, 3 }, keepdim: true) * layer.Activations;
}
