using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>EigenGrad-CAM (pytorch-grad-cam): the first principal component of gradients × activations; class-specific.</summary>
public sealed class EigenGradCam(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options = null)
    : CamMethod(model, targetLayers, options)
{
    public override string Name => "eigengradcam";
    protected override bool AlwaysProjects => true;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        layer.RequireGradients() * layer.Activations;
}
