using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>Grad-CAM element-wise (pytorch-grad-cam's GradCAMElementWise): ReLU(gradients × activations), summed over channels.</summary>
public sealed class GradCamElementWise(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options = null)
    : CamMethod(model, targetLayers, options)
{
    public override string Name => "gradcam-elementwise";

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        (layer.RequireGradients() * layer.Activations).relu();
}
