using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// The base of methods whose map is a weighted sum of a target layer's channels (Grad-CAM and most of the family).
/// A method says only how its [N, C, h, w] contributions come from the recorded activations and gradients
/// (<see cref="ChannelContributions"/>); the base sums them over channels (or takes their first principal component),
/// then ReLU → normalise → upsample → mean over layers (<see cref="CamMethod.FuseLayerMaps"/>).
/// </summary>
public abstract class ChannelCamMethod : CamMethod
{
    /// <param name="targetLayers">Layers whose channels are weighed; null: the model's default layer.</param>
    protected ChannelCamMethod(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers, CamOptions? options)
        : base(model, targetLayers, options, recordedLayers: null, layersRequired: true) { }

    /// <summary>Whether the method needs d(score)/dA; gradient-free methods skip the backward pass.</summary>
    protected virtual bool UsesGradients => true;

    /// <summary>Whether the map is always the first principal component of the contributions (Eigen-CAM family).</summary>
    protected virtual bool AlwaysProjects => false;

    /// <summary>The per-channel pieces whose sum over channels is the layer's map, [N, C, h, w].</summary>
    protected abstract Tensor ChannelContributions(CamPass pass, LayerCapture layer);

    private protected sealed override PassResult ComputePass(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
    {
        var (recorded, chosen) = Record(input, targets, UsesGradients ? GradientScope.TargetLayers : GradientScope.None);
        var pass = new CamPass(input, recorded.Logits, recorded.Scored, chosen, progress);
        var raw = new Dictionary<string, Tensor>();
        foreach (var capture in recorded.Captures)
        {
            var contributions = ChannelContributions(pass, capture);
            raw[capture.Name] = AlwaysProjects || Options.EigenSmooth
                ? EigenProjection.FirstComponent(contributions)
                : contributions.sum(1);
        }
        var (maps, layerMaps) = FuseLayerMaps(raw, new[] { input.shape[2], input.shape[3] }, Options.Normalization);
        return new PassResult(recorded.Logits, chosen, maps, layerMaps, raw, null);
    }
}
