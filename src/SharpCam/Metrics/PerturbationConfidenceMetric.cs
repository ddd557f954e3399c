using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Metrics;

/// <summary>
/// The base of the metrics that perturb each image according to its map and compare the model's target score
/// before and after (pytorch-grad-cam's PerturbationConfidenceMetric): change = score(perturbed) − score(original),
/// both as float32. A subclass says how one image is perturbed and how the change becomes its metric value.
/// </summary>
public abstract class PerturbationConfidenceMetric
{
    /// <summary>A short name for progress bars and reports, e.g. "road-morf-80".</summary>
    public abstract string Name { get; }

    /// <summary>The perturbed copy of one image [C, H, W] given its map [H, W] in [0, 1].</summary>
    protected abstract Tensor Perturb(Tensor image, Tensor map);

    /// <summary>The metric's value for one image from its score change; the change itself by default.</summary>
    protected virtual float ValueOf(float change) => change;

    /// <summary>
    /// Evaluates a batch: <paramref name="input"/> [N, C, H, W], <paramref name="maps"/> [N, H, W] at input resolution,
    /// one target per image (the score is the target's, e.g. the raw logit of the explained class). The model must be
    /// in eval mode; it is run without gradients and never changed.
    /// </summary>
    public PerturbationResult Evaluate(Module<Tensor, Tensor> model, Tensor input, Tensor maps, IReadOnlyList<ICamTarget> targets,
                                       IProgress<ProgressUpdate>? progress = null)
    {
        MetricInputs.Validate(model, input, maps, targets);
        return Evaluate(model, input, maps, targets, MetricInputs.Scores(model, input, targets), progress);
    }

    /// <summary>The evaluation with the original scores already known (metrics run at several percentiles share them).</summary>
    internal PerturbationResult Evaluate(Module<Tensor, Tensor> model, Tensor input, Tensor maps, IReadOnlyList<ICamTarget> targets,
                                         float[] before, IProgress<ProgressUpdate>? progress)
    {
        using var scope = NewDisposeScope();
        long count = input.shape[0];
        var perturbed = new List<Tensor>();
        for (long i = 0; i < count; i++)
        {
            perturbed.Add(Perturb(input[i], maps[i]).to(input.dtype, input.device));
            progress?.Report(new ProgressUpdate(Name, i + 1, count));
        }
        var batch = stack(perturbed);
        var after = MetricInputs.Scores(model, batch, targets);
        var changes = after.Select((a, i) => a - before[i]).ToArray();
        return new PerturbationResult(before, after, changes.Select(ValueOf).ToArray(), batch);
    }
}
