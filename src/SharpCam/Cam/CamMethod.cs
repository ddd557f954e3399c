using SharpCam.Layers;
using SharpCam.Targets;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// What every CAM method shares: <see cref="Explain"/> (checks, aug-smooth, the result), the recorded pass with hooks
/// on the target layers, and the map helpers. A method derives from one of its two bases:
/// <see cref="ChannelCamMethod"/> (the map is a sum of per-channel contributions of a target layer: Grad-CAM and most
/// others) or <see cref="WholePassCamMethod"/> (the method makes the whole pass itself: FullGrad, Guided Backprop).
/// Its registry name and description come from its <see cref="CamRegistrationAttribute"/>.
/// </summary>
public abstract class CamMethod
{
    /// <param name="targetLayers">The layers the caller asked for; null: the model's default layer
    /// (<see cref="LayerLocator.DefaultLayer"/>), chosen on the first call from that call's input shape.</param>
    /// <param name="recordedLayers">The layers whose outputs each pass records; null: the target layers.</param>
    /// <param name="layersRequired">The method weighs the target layers' channels, so each must be a feature map.</param>
    private protected CamMethod(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers, CamOptions? options,
                                IReadOnlyList<string>? recordedLayers, bool layersRequired)
    {
        if (layersRequired && targetLayers is { Count: 0 })
            throw new ArgumentException("At least one target layer is needed (e.g. `conv.4`, `layer4`); LayerLocator.List lists a model's layers.",
                nameof(targetLayers));
        Model = model;
        _targetLayers = targetLayers;
        _recordedLayers = recordedLayers;
        _layersChosen = layersRequired;
        Options = options ?? new CamOptions();
        if (Options.BatchSize < 1)
            throw new ArgumentException($"CamOptions.BatchSize must be at least 1; got {Options.BatchSize}.", nameof(options));
        if (Options.TopChannels < 1)
            throw new ArgumentException($"CamOptions.TopChannels must be at least 1 (or null for every channel); got {Options.TopChannels}.", nameof(options));
        if (targetLayers is not null) _recorder = new ActivationRecorder(model, recordedLayers ?? targetLayers);
    }

    /// <summary>The caller chose the target layers (so each must give a feature map), rather than the method itself.</summary>
    private readonly bool _layersChosen;
    private IReadOnlyList<string>? _targetLayers;
    private readonly IReadOnlyList<string>? _recordedLayers;
    private ActivationRecorder? _recorder;

    public Module<Tensor, Tensor> Model { get; }

    /// <summary>
    /// The layers the caller asked for (what a manifest records). Empty for methods that use none; when none were
    /// given, the model's default layer once the first batch has been explained (empty before).
    /// </summary>
    public IReadOnlyList<string> TargetLayers => _targetLayers ?? Array.Empty<string>();

    public CamOptions Options { get; }

    private protected ActivationRecorder Recorder => _recorder
        ?? throw new InvalidOperationException("The target layers are chosen on the first call to Explain.");

    /// <summary>The method's registry name, e.g. "gradcam" (from its <see cref="CamRegistrationAttribute"/>).</summary>
    public virtual string Name => CamMethods.RegistrationOf(GetType())?.Name ?? GetType().Name.ToLowerInvariant();

    /// <summary>
    /// Whether the map depends on the target. Eigen-CAM's does not (the first principal component of the activations),
    /// so it alone explains a model without class scores and without a similarity target.
    /// </summary>
    public virtual bool NeedsTarget => true;

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
        var pass = Pass(input, targets, progress);
        if (Options.AugSmooth) pass = AugmentedPass(input, pass, progress);
        return new CamResult(Name, pass.Logits, pass.Targets, pass.Maps, pass.LayerMaps, pass.RawLayerMaps, pass.Attributions);
    }

    /// <summary>
    /// One full pass on one input batch, without aug-smooth; every tensor is in the caller's dispose scope. Methods
    /// built from others (Guided Grad-CAM) call it on their parts.
    /// </summary>
    public PassResult Pass(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
    {
        if (_targetLayers is null)
        {
            _targetLayers = [LayerLocator.DefaultLayer(Model, [1, .. input.shape.Skip(1)], input.device)];
            _recorder = new ActivationRecorder(Model, _recordedLayers ?? _targetLayers);
        }
        return ComputePass(input, targets, progress);
    }

    /// <summary>The method's pass: see <see cref="ChannelCamMethod"/> and <see cref="WholePassCamMethod"/>.</summary>
    private protected abstract PassResult ComputePass(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress);

    /// <summary>
    /// Forward (and backward, unless <paramref name="gradients"/> is None) with the hooks on; null targets become each
    /// image's predicted class, chosen from the same forward.
    /// </summary>
    protected (RecordedPass Recorded, IReadOnlyList<ICamTarget> Targets) Record(
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
                LayerLocator.RequireFeatureMap(Model, capture.Name, capture.Activations.shape, input.shape, input.device);
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
            passes.Add((Pass(variant, plain.Targets, progress), flip));
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
    protected Tensor ScoreInputs(Tensor inputs, IReadOnlyList<ICamTarget> rowTargets, string? replacedLayer = null,
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

    /// <summary>What one pass gives: the fields of <see cref="CamResult"/>, as tensors in the caller's dispose scope.</summary>
    public sealed record PassResult(Tensor Logits, IReadOnlyList<ICamTarget> Targets, Tensor Maps,
        IReadOnlyDictionary<string, Tensor> LayerMaps, IReadOnlyDictionary<string, Tensor> RawLayerMaps, Tensor? Attributions);
}
