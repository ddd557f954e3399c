using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Eigen-CAM (Muhammad &amp; Yeasin, 2020): the first principal component of the activations. Gradient-free and
/// class-agnostic: it ignores the targets.
/// </summary>
public sealed class EigenCam(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options = null)
    : CamMethod(model, targetLayers, options)
{
    public override string Name => "eigencam";
    protected override bool UsesGradients => false;
    public override bool NeedsTarget => false;
    protected override bool AlwaysProjects => true;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) => layer.Activations;
}
