using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Guided Grad-CAM (Selvaraju et al., 2017), as pytorch-grad-cam's example builds it: the Grad-CAM map at input
/// resolution times the Guided Backprop gradients, channel by channel (the example's cam_mask * gb).
/// </summary>
/// <remarks>
/// What it returns: <see cref="CamResult.InputAttributions"/> = Grad-CAM map ⊙ ∂score/∂x (guided), [N, C, H, W];
/// <see cref="GuidedBackprop.Deprocess"/> of it is the example's deprocess_image(cam_mask * gb) (as float; ×255 and
/// floor give its uint8). <see cref="CamResult.Maps"/> = per pixel max_c |attribution|, normalised.
/// <see cref="CamResult.LayerMaps"/> / <see cref="CamResult.RawLayerMaps"/> are Grad-CAM's. Both parts explain the same
/// targets; with aug-smooth only the maps are averaged over the variants.
/// </remarks>
[CamRegistration("guided-gradcam", "Guided Grad-CAM: Guided Backprop gradients times the Grad-CAM map", Order = 13)]
public sealed class GuidedGradCam : WholePassCamMethod
{
    private GradCam? _gradCam;
    private readonly GuidedBackprop _guided;

    /// <param name="targetLayers">Grad-CAM's layers; null: the model's default layer, chosen on the first call.</param>
    public GuidedGradCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
        : base(model, targetLayers, options)
    {
        if (targetLayers is not null) _gradCam = new GradCam(model, targetLayers, Options);
        _guided = new GuidedBackprop(model, Options with { EigenSmooth = false });
    }


    protected override PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
    {
        _gradCam ??= new GradCam(Model, TargetLayers, Options);
        var cam = _gradCam.Pass(input, targets, progress);
        var guided = _guided.Pass(input, cam.Targets, progress);
        var attributions = cam.Maps.unsqueeze(1) * guided.Attributions!;
        // The result is a pixel-level map: the Grad-CAM layer maps it was made from are not this method's maps.
        return cam with
        {
            Maps = GuidedBackprop.SaliencyMaps(attributions, Options.Normalization), Attributions = attributions,
            LayerMaps = new Dictionary<string, Tensor>(),
        };
    }
}
