using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Eigen-CAM (Muhammad &amp; Yeasin, 2020): the first principal component of the activations. Gradient-free and
/// class-agnostic: it ignores the targets.
/// </summary>
[CamRegistration("eigencam", "Eigen-CAM: first principal component of the activations (gradient-free, ignores the target)", Order = 7)]
public sealed class EigenCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    protected override bool UsesGradients => false;
    public override bool NeedsTarget => false;
    protected override bool AlwaysProjects => true;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) => layer.Activations;
}
