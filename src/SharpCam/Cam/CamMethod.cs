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
/// recorded activations and gradients (<see cref="ChannelContributions"/>).
/// </summary>
public abstract class CamMethod
{
    protected CamMethod(Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options)
    {
        if (targetLayers.Count == 0) throw new ArgumentException("At least one target layer is needed.", nameof(targetLayers));
        Model = model;
        TargetLayers = targetLayers;
        Options = options ?? new CamOptions();
        Recorder = new ActivationRecorder(model, targetLayers);
    }

    public Module<Tensor, Tensor> Model { get; }
    public IReadOnlyList<string> TargetLayers { get; }
    public CamOptions Options { get; }
    private protected ActivationRecorder Recorder { get; }

    /// <summary>The method's registry name, e.g. "gradcam".</summary>
    public abstract string Name { get; }

    /// <summary>Whether the method needs d(score)/dA; gradient-free methods skip the backward pass.</summary>
    protected virtual bool UsesGradients => true;

    /// <summary>Whether the map is always the first principal component of the contributions (Eigen-CAM family).</summary>
    protected virtual bool AlwaysProjects => false;

    /// <summary>The per-channel pieces whose sum over channels is the layer's map, [N, C, h, w].</summary>
    protected abstract Tensor ChannelContributions(CamPass pass, LayerCapture layer);

    /// <summary>
    /// Explains a batch [N, C, H, W]. <paramref name="targets"/> has one entry per image; null explains each image's
    /// predicted class (its highest logit).
    /// </summary>
    public CamResult Explain(Tensor input, IReadOnlyList<ICamTarget>? targets = null)
    {
        if (input.dim() != 4) throw new ArgumentException($"Expected an image batch [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].");
        if (targets is not null && targets.Count != input.shape[0])
            throw new ArgumentException($"{targets.Count} targets were given for {input.shape[0]} images; give one per image.");
        using var scope = NewDisposeScope();
        var pass = Run(input, targets);
        if (Options.AugSmooth) pass = pass with { Maps = AugmentedMaps(input, pass.Targets) };
        return new CamResult(Name, pass.Logits, pass.Targets, pass.Maps, pass.LayerMaps, pass.RawLayerMaps);
    }

    /// <summary>One full pass of the pipeline on one input batch.</summary>
    private protected virtual PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets)
    {
        Tensor logits;
        List<LayerCapture> captures;
        if (UsesGradients && targets is not null)
            (logits, captures) = Recorder.Run(input, l => TargetScores(l, targets).sum());
        else if (UsesGradients)
        {
            // Default targets need the logits first: the backward's score is built from the same forward.
            IReadOnlyList<ICamTarget>? chosen = null;
            (logits, captures) = Recorder.Run(input, l => TargetScores(l, chosen = PredictedClassTargets(l)).sum());
            targets = chosen!;
        }
        else
        {
            (logits, captures) = Recorder.Run(input, null);
            targets ??= PredictedClassTargets(logits);
        }

        var pass = new CamPass(this, input, logits, targets);
        var size = new[] { input.shape[2], input.shape[3] };
        var raw = new Dictionary<string, Tensor>();
        var normalised = new Dictionary<string, Tensor>();
        var upsampled = new List<Tensor>();
        foreach (var capture in captures)
        {
            var contributions = ChannelContributions(pass, capture);
            var map = AlwaysProjects || Options.EigenSmooth
                ? EigenProjection.FirstComponent(contributions)
                : contributions.sum(1);
            raw[capture.Name] = map;
            var layerMap = MapNormalizer.Normalize(map.relu(), Options.Normalization);
            normalised[capture.Name] = layerMap;
            upsampled.Add(Upsample(layerMap, size));
        }
        var maps = FuseLayers(upsampled);
        return new PassResult(logits, targets, maps, normalised, raw);
    }

    /// <summary>
    /// The mean of the per-layer maps. pytorch-grad-cam (MinMax) clamps and renormalises it; the notebook
    /// (DivideByMax) normalises only at feature resolution and leaves the upsampled map as bilinear gives it.
    /// </summary>
    private Tensor FuseLayers(List<Tensor> upsampled)
    {
        var mean = stack(upsampled, 1).relu().mean(new long[] { 1 });
        return Options.Normalization == MapNormalization.MinMax ? MapNormalizer.Normalize(mean, MapNormalization.MinMax) : mean;
    }

    /// <summary>pytorch-grad-cam's aug_smooth: the mean of the maps of 6 flip × brightness variants, each undone, not renormalised.</summary>
    private Tensor AugmentedMaps(Tensor input, IReadOnlyList<ICamTarget> targets)
    {
        var maps = new List<Tensor>();
        foreach (var flip in new[] { false, true })
        foreach (var brightness in new[] { 0.9f, 1.0f, 1.1f })
        {
            var variant = input * brightness;
            if (flip) variant = variant.flip(3);
            var map = Run(variant, targets).Maps;
            maps.Add(flip ? map.flip(2) : map);
        }
        return stack(maps).mean(new long[] { 0 });
    }

    /// <summary>Each image's target score, [N]; the backward of their sum gives each image its own gradient.</summary>
    public static Tensor TargetScores(Tensor logits, IReadOnlyList<ICamTarget> targets) =>
        stack(targets.Select((t, i) => t.Score(logits[i])).ToList());

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

    private protected sealed record PassResult(Tensor Logits, IReadOnlyList<ICamTarget> Targets, Tensor Maps,
        IReadOnlyDictionary<string, Tensor> LayerMaps, IReadOnlyDictionary<string, Tensor> RawLayerMaps);
}

/// <summary>What a method may use while it computes its contributions: the input, the logits and the targets.</summary>
public sealed class CamPass
{
    private readonly CamMethod _method;

    internal CamPass(CamMethod method, Tensor input, Tensor logits, IReadOnlyList<ICamTarget> targets)
    {
        _method = method;
        Input = input;
        Logits = logits;
        Targets = targets;
    }

    public Tensor Input { get; }
    public Tensor Logits { get; }
    public IReadOnlyList<ICamTarget> Targets { get; }

    /// <summary>Each image's target score on the unmodified input, [N].</summary>
    public Tensor Scores => CamMethod.TargetScores(Logits, Targets);
}
