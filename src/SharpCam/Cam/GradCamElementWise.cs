using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>Grad-CAM element-wise (pytorch-grad-cam's GradCAMElementWise): ReLU(gradients × activations), summed over channels.</summary>
[CamRegistration("gradcam-elementwise", "Grad-CAM element-wise: ReLU(gradients × activations), summed over channels", Order = 3)]
public sealed class GradCamElementWise(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        (layer.RequireGradients() * layer.Activations).relu();
}
