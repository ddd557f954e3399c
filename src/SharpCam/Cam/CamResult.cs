using SharpCam.Targets;
using static TorchSharp.torch;

namespace SharpCam.Cam;

/// <summary>
/// The explanation of one batch. Tensors live outside any dispose scope and are released by <see cref="Dispose"/>.
/// </summary>
public sealed class CamResult : IDisposable
{
    public CamResult(string method, Tensor logits, IReadOnlyList<ICamTarget> targets, Tensor maps,
                     IReadOnlyDictionary<string, Tensor> layerMaps, IReadOnlyDictionary<string, Tensor> rawLayerMaps,
                     Tensor? inputAttributions = null)
    {
        Method = method;
        Logits = logits.DetachFromDisposeScope();
        Targets = targets;
        Maps = maps.DetachFromDisposeScope();
        LayerMaps = layerMaps.ToDictionary(kv => kv.Key, kv => kv.Value.DetachFromDisposeScope());
        RawLayerMaps = rawLayerMaps.ToDictionary(kv => kv.Key, kv => kv.Value.DetachFromDisposeScope());
        InputAttributions = inputAttributions?.DetachFromDisposeScope();
    }

    /// <summary>The method's name, e.g. "gradcam".</summary>
    public string Method { get; }

    /// <summary>The model's output for the batch, [N, K].</summary>
    public Tensor Logits { get; }

    /// <summary>What each image's map explains.</summary>
    public IReadOnlyList<ICamTarget> Targets { get; }

    /// <summary>
    /// Final maps at input resolution, [N, H, W], in [0, 1]. For Guided Backprop and Guided Grad-CAM: the per-pixel
    /// maximum over input channels of |<see cref="InputAttributions"/>|, normalised.
    /// </summary>
    public Tensor Maps { get; }

    /// <summary>
    /// Per-pixel, per-input-channel attributions, [N, C, H, W], unnormalised and signed, for methods that produce them:
    /// Guided Backprop (d score / d input through guided ReLUs) and Guided Grad-CAM (that × the Grad-CAM map).
    /// Null for the CAM methods. <see cref="GuidedBackprop.Deprocess"/> turns them into a viewable image.
    /// </summary>
    public Tensor? InputAttributions { get; }

    /// <summary>
    /// Per target layer: the map at feature resolution after ReLU and normalisation, [N, h, w]. Empty for methods
    /// without target layers (FullGrad, Guided Backprop).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> LayerMaps { get; }

    /// <summary>Per target layer: the map at feature resolution before ReLU and normalisation, [N, h, w].</summary>
    public IReadOnlyDictionary<string, Tensor> RawLayerMaps { get; }

    /// <summary>The map to keep per image: the layer's map at feature resolution, or the fused map when there are several layers.</summary>
    public Tensor FeatureMaps => LayerMaps.Count == 1 ? LayerMaps.Values.Single() : Maps;

    public void Dispose()
    {
        Logits.Dispose();
        Maps.Dispose();
        foreach (var t in LayerMaps.Values) t.Dispose();
        foreach (var t in RawLayerMaps.Values) t.Dispose();
        InputAttributions?.Dispose();
    }
}
