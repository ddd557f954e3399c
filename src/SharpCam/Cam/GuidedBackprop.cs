using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Guided Backprop (Springenberg et al., 2015), as pytorch-grad-cam's GuidedBackpropReLUModel: the input gradient of
/// the target score with every ReLU module's backward replaced by the guided one (<see cref="GuidedRelu"/>), for one
/// pass only; the model is never modified. It has no target layer.
/// </summary>
/// <remarks>
/// What it returns: <see cref="CamResult.InputAttributions"/> = ∂score/∂x, [N, C, H, W], raw and signed (the library
/// returns the same numbers per image as [H, W, C]). <see cref="CamResult.Maps"/> = per pixel max_c |∂score/∂x|,
/// normalised (a saliency map for the heat-map and metric code). <see cref="Deprocess"/> gives the library's
/// viewable image. The library backpropagates one image at a time; the batch gives the same gradients because images
/// do not interact in eval mode.
/// </remarks>
/// <remarks>
/// Guided Backprop is defined for ReLU networks. A network with GELU activations (the zoo's transformers) is refused:
/// GELU has no guided backward in the literature, and guiding only its few ReLUs would give another method's map.
/// </remarks>
[CamRegistration("guided-backprop", "Guided Backprop: input gradient through ReLUs that pass only positive gradients (ignores target layers)", Order = 12)]
public sealed class GuidedBackprop(Module<Tensor, Tensor> model, CamOptions? options = null)
    : WholePassCamMethod(RequireReluNetwork(model), Array.Empty<string>(), options)
{
    private static Module<Tensor, Tensor> RequireReluNetwork(Module<Tensor, Tensor> model) =>
        model.modules().Any(m => m is TorchSharp.Modules.GELU)
            ? throw new NotSupportedException("Guided Backprop is defined for ReLU networks; this model uses GELU activations, which have no " +
                                              "guided backward. Use gradcam (or another gradient CAM) on a target layer.")
            : model;

    protected override PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
    {
        if (Options.EigenSmooth) throw new NotSupportedException("EigenSmooth is not available for Guided Backprop; turn it off.");
        RecordedPass recorded;
        IReadOnlyList<ICamTarget> chosen;
        using (GuidedRelu.Install(Model)) (recorded, chosen) = Record(input, targets, GradientScope.Input);
        var attributions = recorded.InputGradient!;
        var none = new Dictionary<string, Tensor>();
        return new PassResult(recorded.Logits, chosen, SaliencyMaps(attributions, Options.Normalization), none, none, attributions);
    }

    /// <summary>[N, C, H, W] attributions → [N, H, W] maps: max over channels of the magnitude, normalised.</summary>
    internal static Tensor SaliencyMaps(Tensor attributions, MapNormalization normalization) =>
        MapNormalizer.Normalize(attributions.abs().amax(new long[] { 1 }), normalization);

    /// <summary>
    /// pytorch-grad-cam's deprocess_image, per image, as float in [0, 1]: x − mean, / (std + 1e-5), × 0.1, + 0.5,
    /// clipped to [0, 1] (population std over all of the image's values). The library's uint8 image is
    /// floor(255 × this). [N, C, H, W] → [N, C, H, W].
    /// </summary>
    public static Tensor Deprocess(Tensor attributions)
    {
        var flat = attributions.flatten(1);
        var centred = flat - flat.mean(new long[] { 1 }, keepdim: true);
        var scaled = centred / (flat.std(1, unbiased: false, keepdim: true) + 1e-5f) * 0.1f + 0.5f;
        return scaled.clamp(0f, 1f).view_as(attributions);
    }
}
