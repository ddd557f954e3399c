using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>EigenGrad-CAM (pytorch-grad-cam): the first principal component of gradients × activations; class-specific.</summary>
[CamRegistration("eigengradcam", "EigenGrad-CAM: first principal component of gradients × activations", Order = 8)]
public sealed class EigenGradCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    protected override bool AlwaysProjects => true;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients() * layer.Activations;
}
