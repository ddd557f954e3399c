using SharpCam.Cam;
using SharpCam.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Support;

/// <summary>
/// A CAM method whose map is the input's brightness pooled to the target layer's grid (LeNet's conv.4): it never
/// looks at the weights, an "edge detector" that the sanity check must flag.
/// </summary>
public sealed class InputBrightnessCam(Module<Tensor, Tensor> model) : ChannelCamMethod(model, new[] { LeNet.DefaultTargetLayer }, null)
{
    public const string MethodName = "input-brightness";

    public override string Name => MethodName;
    protected override bool UsesGradients => false;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer) =>
        functional.adaptive_avg_pool2d(pass.Input, new[] { layer.Activations.shape[2], layer.Activations.shape[3] });
}
