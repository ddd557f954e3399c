using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Refine-CAM (arXiv 2605.14641), as pytorch-grad-cam computes it: one Grad-CAM++ per target layer, each a separate
/// pass (its own forward and backward) giving its final map at input resolution; the map is their product,
/// normalised. A region survives only where every layer agrees, so the deep layer's coarse map is sharpened by the
/// shallower layers' detail. Costs one Grad-CAM++ per layer.
/// </summary>
/// <remarks>
/// <see cref="CamResult.LayerMaps"/> and <see cref="CamResult.RawLayerMaps"/> hold each layer's Grad-CAM++ maps at feature
/// resolution. Every layer explains the targets of the first layer's pass (the predicted classes when none are given).
/// </remarks>
[CamRegistration("refinecam", "Refine-CAM: the product of separate Grad-CAM++ maps of several layers (one pass per layer)", Order = 20)]
public sealed class RefineCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : WholePassCamMethod(model, targetLayers, options)
{
    private List<GradCamPlusPlus>? _perLayer;

    protected override PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
    {
        _perLayer ??= TargetLayers.Select(layer => new GradCamPlusPlus(Model, new[] { layer }, Options)).ToList();
        var passes = new List<PassResult>();
        foreach (var method in _perLayer) passes.Add(method.Pass(input, targets ?? passes.FirstOrDefault()?.Targets, progress));
        var product = passes.Select(p => p.Maps).Aggregate((a, b) => a * b);
        return passes[0] with
        {
            Maps = MapNormalizer.Normalize(product, Options.Normalization),
            LayerMaps = passes.SelectMany(p => p.LayerMaps).ToDictionary(kv => kv.Key, kv => kv.Value),
            RawLayerMaps = passes.SelectMany(p => p.RawLayerMaps).ToDictionary(kv => kv.Key, kv => kv.Value),
        };
    }
}
