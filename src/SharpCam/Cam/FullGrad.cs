using SharpCam.Layers;
using SharpCam.Targets;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// FullGrad (Srinivas &amp; Fleuret, 2019), as pytorch-grad-cam computes it. It has no target layer: it uses the input
/// term |x ⊙ ∂s/∂x| and, for every Conv2d and BatchNorm2d with a bias, |b_c · ∂s/∂z_c| (z = that layer's output;
/// a BatchNorm's bias is its effective one, b − μ·γ/√(σ² + ε)). Every [image, channel] slice is normalised on its
/// own and upsampled to the input, all slices of all terms are summed, and the sum is normalised once (no ReLU).
/// </summary>
/// <remarks>
/// Models with LayerNorm (the zoo's transformers) are refused: FullGrad's completeness (output = input term + Σ bias
/// terms) needs every layer to be affine given the ReLU masks, and LayerNorm divides by each token's own statistics,
/// so the bias terms would not add up to the output and the map would silently miss what they leave out.
/// </remarks>
[CamRegistration("fullgrad", "FullGrad: input-gradient and bias-gradient terms of every conv/batch-norm layer (ignores target layers)", Order = 11)]
public sealed class FullGrad(Module<Tensor, Tensor> model, CamOptions? options = null)
    : WholePassCamMethod(model, Array.Empty<string>(), options, recordedLayers: BiasLayers(RequireAffineNormalisation(model)))
{
    private static Module<Tensor, Tensor> RequireAffineNormalisation(Module<Tensor, Tensor> model) =>
        model.modules().Any(m => m is LayerNorm)
            ? throw new NotSupportedException("FullGrad needs a network whose layers are affine given the ReLU masks; this model normalises " +
                                              "with LayerNorm, whose per-token statistics break its bias decomposition. Use gradcam, scorecam or eigencam.")
            : model;

    protected override PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
    {
        if (Options.EigenSmooth) throw new NotSupportedException("EigenSmooth is not available for FullGrad; turn it off.");
        var (recorded, chosen) = Record(input, targets, GradientScope.Input);
        var size = new[] { input.shape[2], input.shape[3] };
        var sum = SumOfNormalisedSlices((input * recorded.InputGradient!).abs());
        foreach (var capture in recorded.Captures)
        {
            var biasGradient = (EffectiveBias(capture.Name).view(1, -1, 1, 1) * capture.RequireGradients()).abs();
            // Upsampling is linear, so Σ_c up(norm(t_c)) = up(Σ_c norm(t_c)): one upsample per layer instead of one per
            // channel (ResNet-50 would otherwise hold ~26,000 maps of 224×224).
            sum += CamMethod.Upsample(SumOfNormalisedSlices(biasGradient), size);
        }
        var maps = MapNormalizer.Normalize(sum, Options.Normalization);
        var none = new Dictionary<string, Tensor>();
        return new PassResult(recorded.Logits, chosen, maps, none, none, null);
    }

    /// <summary>Every Conv2d and BatchNorm2d that has a bias, in module order (the library's choice of layers).</summary>
    public static IReadOnlyList<string> BiasLayers(Module model) =>
        model.named_modules()
            .Where(nm => nm.module is Conv2d { bias: not null } or BatchNorm2d { bias: not null })
            .Select(nm => nm.name)
            .ToList();

    /// <summary>[N, C, h, w] → [N, h, w]: each [n, c] slice normalised on its own, then summed over channels.</summary>
    private Tensor SumOfNormalisedSlices(Tensor terms) =>
        MapNormalizer.Normalize(terms.flatten(0, 1), Options.Normalization).view_as(terms).sum(1);

    private Tensor EffectiveBias(string layerName)
    {
        using var noGrad = no_grad();
        return LayerLocator.Find(Model, layerName) switch
        {
            Conv2d conv => conv.bias!.detach(),
            BatchNorm2d { running_mean: { } mean, running_var: { } variance } bn =>
                bn.bias!.detach() - mean * bn.weight.detach() / (variance + bn.eps).sqrt(),
            BatchNorm2d bn => bn.bias!.detach(),
            var other => throw new InvalidOperationException($"Layer '{layerName}' ({other.GetType().Name}) has no bias term."),
        };
    }
}
