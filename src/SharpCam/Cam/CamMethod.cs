using SharpCam.Targets;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// The one base of every CAM method. It owns the pipeline that all of them share:
/// forward (and backward) with hooks on the target layers → per layer, a method-specific [N, C, h, w] tensor of
/// channel contributions → channel sum (or first principal component) → ReLU → normalise → upsample to the input
/// (bilinear) → mean over layers (renormalised only in pytorch-grad-cam's MinMax mode). A method only says how its contributions come from the
/// recorded activations and gradients (<see cref="ChannelContributions"/>); the few methods that are not a weighted
/// sum of activations (FullGrad, Guided Backprop) replace the whole pass (<see cref="Run"/>).
/// </summary>
public abstract class CamMethod
{
    protected CamMethod(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options)
        : this(model, targetLayers, options, layersRequired: true) { }

    /// <summary>For methods that choose their own layers (FullGrad) or use none (Guided Backprop).</summary>
    private protected CamMethod(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options, bool layersRequired)
    {
        if (layersRequired && targetLayers.Count == 0)
            throw new ArgumentException("At least one target layer is needed (e.g. `conv.4`, `layer4`); `sharpcam layers` lists them.", nameof(targetLayers));
        Model = model;
        TargetLayers = targetLayers;
        _layersChosen = layersRequired;
        Options = options ?? new CamOptions();
        if (Options.BatchSize < 1)
            throw new ArgumentException($"CamOptions.BatchSize must be at least 1; got {Options.BatchSize}.", nameof(options));
        if (Options.TopChannels < 1)
            throw new ArgumentException($"CamOptions.TopChannels must be at least 1 (or null for every channel); got {Options.TopChannels}.", nameof(options));
        Recorder = new ActivationRecorder(model, targetLayers);
    }

    /// <summary>The caller chose the target layers (so each must give a feature map), rather than the method itself.</summary>
    private readonly bool _layersChosen;

    public Module<Tensor, Tensor> Model { get; }
    public IReadOnlyList<string> TargetLayers { get; }
    public CamOptions Options { get; }
    private protected ActivationRecorder Recorder { get; }

    /// <summary>The method's registry name, e.g. "gradcam".</summary>
    public abstract string Name { get; }

    /// <summary>Whether the method needs d(score)/dA; gradient-free methods skip the backward pass.</summary>
    protected virtual bool UsesGradients => true;

    /// <summary>
    /// Whether the map depends on the target. Eigen-CAM's does not (the first principal component of the activations),
    /// so it alone explains a model without class scores and without a similarity target.
    /// </summary>
    public virtual bool NeedsTarget => true;

    /// <summary>Whether the map is always the first principal component of the contributions (Eigen-CAM family).</summary>
    protected virtual bool AlwaysProjects => false;

    /// <summary>The per-channel pieces whose sum over channels is the layer's map, [N, C, h, w].</summary>
    protected abstract Tensor ChannelContributions(CamPass pass, LayerCapture layer);

    /// <summary>
    /// Explains a batch [N, C, H, W]. <paramref name="targets"/> has one entry per image; null explains each image's
    /// predicted class (its highest logit). Methods that run many forwards report them to <paramref name="progress"/>.
    /// </summary>
    public CamResult Explain(Tensor input, IReadOnlyList<ICamTarget>? targets = null, IProgress<ProgressUpdate>? progress = null)
    {
        if (input.dim() != 4) throw new ArgumentException($"Expected an image batch [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].");
        if (targets is not null && targets.Count != input.shape[0])
            throw new ArgumentException($"{targets.Count} targets were given for {input.shape[0]} images; give one per image.");
        using var scope = NewDisposeScope();
        var pass = Run(input, targets, progress);
        if (Options.AugSmooth) pass = AugmentedPass(input, pass, progress);
        return new CamResult(Name, pass.Logits, pass.Targets, pass.Maps, pass.LayerMaps, pass.RawLayerMaps, pass.Attributions);
    }

    /// <summary>One full pass of the pipeline on one input batch.</summary>
    internal virtual PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
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

    /// <summary>
    /// Forward (and backward, unless <paramref name="gradients"/> is None) with the hooks on; null targets become each
    /// image's predicted class, chosen from the same forward.
    /// </summary>
    private protected (RecordedPass Recorded, IReadOnlyList<ICamTarget> Targets) Record(
        Tensor input, IReadOnlyList<ICamTarget>? targets, GradientScope gradients)
    {
        var scoredLayer = ScoredLayerOf(targets);
        if (gradients == GradientScope.None)
        {
            var recorded = RequireFeatureMaps(Recorder.Run(input, gradients, scoredLayer, null), input);
            return (recorded, targets ?? PredictedClassTargets(recorded.Logits));
        }
        var chosen = targets;
        var withGradients = Recorder.Run(input, gradients, scoredLayer,
            (logits, scored) => TargetScores(scored, chosen ??= PredictedClassTargets(logits)).sum());
        return (RequireFeatureMaps(withGradients, input), chosen!);
    }

    /// <summary>A chosen layer that is not a feature map (e.g. LeNet's Linear `fc.4`) fails here, before any method works on it.</summary>
    private RecordedPass RequireFeatureMaps(RecordedPass recorded, Tensor input)
    {
        if (_layersChosen)
            foreach (var capture in recorded.Captures)
                Layers.LayerLocator.RequireFeatureMap(Model, capture.Name, capture.Activations.shape, input.shape, input.device);
        return recorded;
    }

    /// <summary>
    /// Steps 3–4 of the pipeline from the raw per-layer maps ([N, h, w] each, before ReLU): per layer ReLU → normalise
    /// → upsample to <paramref name="size"/>; then stack, ReLU, mean over layers. pytorch-grad-cam (MinMax)
    /// normalises that mean again; the notebook (DivideByMax) normalises only at feature resolution and leaves the
    /// upsampled map as bilinear interpolation gives it. Returns the final maps and, per layer, the normalised map at
    /// feature resolution.
    /// </summary>
    public static (Tensor Maps, Dictionary<string, Tensor> LayerMaps) FuseLayerMaps(
        IReadOnlyDictionary<string, Tensor> rawLayerMaps, long[] size, MapNormalization normalization)
    {
        var layerMaps = rawLayerMaps.ToDictionary(kv => kv.Key, kv => MapNormalizer.Normalize(kv.Value.relu(), normalization));
        var mean = stack(layerMaps.Values.Select(m => Upsample(m, size)).ToList(), 1).relu().mean(new long[] { 1 });
        return (normalization == MapNormalization.MinMax ? MapNormalizer.Normalize(mean, normalization) : mean, layerMaps);
    }

    /// <summary>
    /// pytorch-grad-cam's aug_smooth: the mean of the maps of 6 flip × brightness variants, each undone, not
    /// renormalised; the per-layer maps at feature resolution are averaged the same way, so what is saved per layer
    /// is the smoothed map too. Every variant explains the targets of the unmodified pass (the library would re-pick
    /// the predicted class per variant when no targets are given); the (no flip, ×1) variant is that pass itself.
    /// </summary>
    private PassResult AugmentedPass(Tensor input, PassResult plain, IProgress<ProgressUpdate>? progress)
    {
        var passes = new List<(PassResult Pass, bool Flipped)>();
        foreach (var flip in new[] { false, true })
        foreach (var brightness in new[] { 0.9f, 1.0f, 1.1f })
        {
            if (!flip && brightness == 1.0f)
            {
                passes.Add((plain, false));
                continue;
            }
            var variant = input * brightness;
            if (flip) variant = variant.flip(3);
            passes.Add((Run(variant, plain.Targets, progress), flip));
        }
        Tensor Mean(Func<PassResult, Tensor> part) =>
            stack(passes.Select(p => p.Flipped ? part(p.Pass).flip(2) : part(p.Pass)).ToList()).mean(new long[] { 0 });
        return plain with
        {
            Maps = Mean(p => p.Maps),
            LayerMaps = plain.LayerMaps.Keys.ToDictionary(layer => layer, layer => Mean(p => p.LayerMaps[layer])),
        };
    }

    /// <summary>Each image's target score, [N], from the tensor the targets read (row i belongs to image i).</summary>
    public static Tensor TargetScores(Tensor scored, IReadOnlyList<ICamTarget> targets)
    {
        if (scored.shape[0] != targets.Count)
            throw new ArgumentException($"{targets.Count} targets for a model output with {scored.shape[0]} rows; give one target per image.");
        return stack(targets.Select((t, i) => t.Score(scored[i])).ToList());
    }

    /// <summary>The predicted class of each image as a logit target.</summary>
    public static IReadOnlyList<ICamTarget> PredictedClassTargets(Tensor logits)
    {
        using var predicted = logits.detach().argmax(1);
        return predicted.data<long>().Select(c => (ICamTarget)new ClassLogitTarget((int)c)).ToList();
    }

    /// <summary>Bilinear resize of [N, h, w] maps to [N, H, W]; half-pixel centres, as cv2's INTER_LINEAR.</summary>
    public static Tensor Upsample(Tensor maps, long[] size) =>
        maps.shape[1] == size[0] && maps.shape[2] == size[1]
            ? maps
            : functional.interpolate(maps.unsqueeze(1), size, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);

    /// <summary>
    /// The scores of one target on a batch of modified inputs, [B] (no gradients, inference mode): Score-CAM's masked
    /// forwards and the like.
    /// </summary>
    private protected Tensor ScoreInputs(Tensor inputs, IReadOnlyList<ICamTarget> rowTargets, string? replacedLayer = null,
                                         Func<Tensor, Tensor>? replace = null) =>
        Recorder.Forward(inputs, ScoredLayerOf(rowTargets), scored => TargetScores(scored, rowTargets), replacedLayer, replace);

    /// <summary>The layer all targets read (null: the model output); one batch cannot mix them.</summary>
    private static string? ScoredLayerOf(IReadOnlyList<ICamTarget>? targets)
    {
        var layers = targets?.Select(t => t.ScoredLayer).Distinct().ToList();
        if (layers is null || layers.Count == 0) return null;
        if (layers.Count > 1)
            throw new ArgumentException("All targets of one batch must read the same tensor; got " +
                string.Join(", ", layers.Select(l => l ?? "the model output")) + ". Explain them in separate batches.");
        return layers[0];
    }

    internal sealed record PassResult(Tensor Logits, IReadOnlyList<ICamTarget> Targets, Tensor Maps,
        IReadOnlyDictionary<string, Tensor> LayerMaps, IReadOnlyDictionary<string, Tensor> RawLayerMaps, Tensor? Attributions);
}
