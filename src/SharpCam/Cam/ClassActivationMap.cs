using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// CAM, the original class activation map (Zhou et al., CVPR 2016), as torch-cam computes it: the channel weights are
/// the target class's row of the classifier's fully connected layer, w_c = fc.weight[class, c]. It needs a network
/// whose target layer feeds global average pooling and then that single linear layer (ResNet's layer4 → fc); the
/// classifier is the model's last Linear, and its input width must equal the layer's channel count. Needs no
/// backward pass. torch-cam normalises the channel sum without a ReLU; here it goes through the pipeline's ReLU.
/// </summary>
[CamRegistration("cam", "CAM: channels weighted by the class's fully connected weights (needs global pooling + one linear head)", Order = 19)]
public sealed class ClassActivationMap(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    protected override bool UsesGradients => false;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        var a = layer.Activations;
        var weight = Classifier(layer).weight!.detach();
        var classes = pass.Targets.Select(t => (long)(t.ClassIndex ?? throw new ArgumentException(
            $"CAM weighs channels by a class's classifier weights; the target \"{t.Describe()}\" names no class. Give class targets."))).ToArray();
        if (classes.Any(c => c < 0 || c >= weight.shape[0]))
            throw new ArgumentException($"CAM: a target class is outside the classifier's {weight.shape[0]} classes.");
        var weights = weight.index_select(0, tensor(classes, device: weight.device)).to(a.dtype, a.device);   // [N, C]
        return weights.unsqueeze(-1).unsqueeze(-1) * a;
    }

    private Linear Classifier(LayerCapture layer)
    {
        var linear = Model.modules().OfType<Linear>().LastOrDefault() ?? throw new ArgumentException(
            "CAM needs a fully connected classifier (a Linear layer) after global pooling; this model has none. Use gradcam instead.");
        if (linear.weight!.shape[1] != layer.Activations.shape[1])
            throw new ArgumentException(
                $"CAM needs the target layer to feed global pooling and the classifier directly: layer '{layer.Name}' has " +
                $"{layer.Activations.shape[1]} channels but the last Linear layer takes {linear.weight.shape[1]} inputs. " +
                "Choose the last convolutional block (e.g. `layer4`) or use gradcam.");
        return linear;
    }
}
