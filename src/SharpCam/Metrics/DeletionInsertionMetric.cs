using SharpCam.Cam;
using SharpCam.Targets;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Metrics;

/// <summary>
/// Deletion and insertion (Petsiuk et al., 2018, "RISE"), defined as torch-cam's DeletionInsertionMetric
/// (frgfm/torch-cam, torchcam/metrics.py): pixels are ranked by the map, highest first, ties in row-major order.
/// Deletion replaces the top-ranked pixels by the baseline, a growing share at a time; insertion starts from the
/// baseline and restores them from the input. The same mask applies to every channel. Each curve is the target score
/// against the perturbed fraction; its area is the trapezoid rule over those fractions.
/// </summary>
/// <remarks>
/// With P pixels, each of the <see cref="Steps"/> intervals changes ceil(P / steps) pixels (the last one possibly
/// fewer), so the curves have one point per count 0, s, 2s, …, P. Deletion's first and insertion's last point are the
/// original score; deletion's last and insertion's first are the all-baseline score. A lower deletion area and a
/// higher insertion area mean a more faithful ranking.
/// Baseline: zeros by default (torch-cam's), which is the data mean only for inputs normalised to zero mean; RISE
/// inserted into a blurred copy (<see cref="DeletionInsertionBaselines.GaussianBlur"/>). The score is the target's:
/// the raw logit for <see cref="ClassLogitTarget"/> (torch-cam's default), a probability for
/// <see cref="ClassProbabilityTarget"/> (the paper's; areas then lie in [0, 1]).
/// </remarks>
public sealed class DeletionInsertionMetric
{
    public DeletionInsertionMetric(int steps = 20, Func<Tensor, Tensor>? baseline = null, int batchSize = 32)
    {
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Deletion/insertion needs at least one step.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        Steps = steps;
        Baseline = baseline ?? DeletionInsertionBaselines.Zeros;
        BatchSize = batchSize;
    }

    /// <summary>The most intervals a curve has.</summary>
    public int Steps { get; }

    /// <summary>Builds the baseline from the input batch [N, C, H, W]; the result must broadcast to it.</summary>
    public Func<Tensor, Tensor> Baseline { get; }

    /// <summary>Perturbed images per forward pass (memory, not results).</summary>
    public int BatchSize { get; }

    /// <summary>
    /// Evaluates a batch: <paramref name="input"/> [N, C, H, W], <paramref name="maps"/> [N, H, W] at input resolution,
    /// one target per image. The model must be in eval mode; it runs without gradients and is never changed.
    /// </summary>
    public DeletionInsertionResult Evaluate(Module<Tensor, Tensor> model, Tensor input, Tensor maps, IReadOnlyList<ICamTarget> targets,
                                            IProgress<ProgressUpdate>? progress = null)
    {
        MetricInputs.Validate(model, input, maps, targets);
        using var scope = NewDisposeScope();
        int images = (int)input.shape[0], pixels = (int)(input.shape[2] * input.shape[3]);
        var counts = Counts(pixels);
        var fractions = counts.Select(k => (float)k / pixels).ToArray();
        var baseline = BaselineFor(input);
        var ranks = Enumerable.Range(0, images).Select(i => RanksOf(maps[i], input.device)).ToList();

        var original = MetricInputs.Scores(model, input, targets);
        var deletion = Enumerable.Range(0, images).Select(_ => new float[counts.Length]).ToArray();
        var insertion = Enumerable.Range(0, images).Select(_ => new float[counts.Length]).ToArray();
        var jobs = new List<Job>();
        for (int i = 0; i < images; i++)
        {
            deletion[i][0] = original[i];
            insertion[i][^1] = original[i];
            jobs.Add(new Job(i, Curve.Both, counts.Length - 1, pixels));   // all baseline: deletion's end, insertion's start
            for (int j = 1; j < counts.Length - 1; j++)
            {
                jobs.Add(new Job(i, Curve.Deletion, j, counts[j]));
                jobs.Add(new Job(i, Curve.Insertion, j, counts[j]));
            }
        }

        for (int start = 0; start < jobs.Count; start += BatchSize)
        {
            using var batchScope = NewDisposeScope();
            var chunk = jobs.GetRange(start, Math.Min(BatchSize, jobs.Count - start));
            var batch = stack(chunk.Select(job => Perturbed(input[job.Image], baseline[job.Image], ranks[job.Image], job)).ToList());
            var scores = MetricInputs.Scores(model, batch, chunk.Select(job => targets[job.Image]).ToList());
            for (int k = 0; k < chunk.Count; k++)
            {
                var job = chunk[k];
                if (job.Curve != Curve.Insertion) deletion[job.Image][job.Point] = scores[k];
                if (job.Curve == Curve.Both) insertion[job.Image][0] = scores[k];
                else if (job.Curve == Curve.Insertion) insertion[job.Image][job.Point] = scores[k];
            }
            progress?.Report(new ProgressUpdate("deletion-insertion", start + chunk.Count, jobs.Count));
        }
        return new DeletionInsertionResult(fractions, deletion, insertion,
            deletion.Select(c => Trapezoid(c, fractions)).ToArray(), insertion.Select(c => Trapezoid(c, fractions)).ToArray());
    }

    private enum Curve { Deletion, Insertion, Both }

    /// <summary>One perturbed image: <paramref name="Count"/> top-ranked pixels changed, stored at <paramref name="Point"/> of the curve.</summary>
    private sealed record Job(int Image, Curve Curve, int Point, int Count);

    /// <summary>0, s, 2s, … below P, then P, with s = ceil(P / steps).</summary>
    private int[] Counts(int pixels)
    {
        int step = (pixels + Steps - 1) / Steps;
        return Enumerable.Range(0, (pixels + step - 1) / step).Select(j => j * step).Append(pixels).ToArray();
    }

    private Tensor BaselineFor(Tensor input)
    {
        var baseline = Baseline(input);
        try
        {
            return baseline.to(input.dtype, input.device).expand(input.shape);
        }
        catch (Exception e)
        {
            throw new ArgumentException(
                $"The deletion/insertion baseline has shape [{string.Join(", ", baseline.shape)}], which does not broadcast to the input " +
                $"[{string.Join(", ", input.shape)}]; return a tensor of the input's shape (or one that broadcasts to it).", e);
        }
    }

    /// <summary>Each pixel's rank (0 = highest map value), [1, H·W]; ties keep row-major order (a stable sort).</summary>
    private static Tensor RanksOf(Tensor map, Device device)
    {
        var values = MetricInputs.Pixels(map);
        var order = Enumerable.Range(0, values.Length).OrderByDescending(j => values[j]).ToArray();   // LINQ sorts stably
        var ranks = new long[values.Length];
        for (int r = 0; r < order.Length; r++) ranks[order[r]] = r;
        return tensor(ranks, new long[] { 1, values.Length }, device: device);
    }

    private static Tensor Perturbed(Tensor image, Tensor baseline, Tensor ranks, Job job)
    {
        var top = (ranks < job.Count).view(1, image.shape[1], image.shape[2]);
        return job.Curve == Curve.Insertion ? where(top, image, baseline) : where(top, baseline, image);
    }

    private static double Trapezoid(float[] curve, float[] fractions)
    {
        double area = 0;
        for (int j = 1; j < curve.Length; j++) area += (fractions[j] - (double)fractions[j - 1]) * (curve[j] + (double)curve[j - 1]) / 2;
        return area;
    }
}

/// <summary>Deletion and insertion curves and their areas, per image.</summary>
/// <param name="Fractions">The perturbed share of pixels at each point, from 0 to 1.</param>
/// <param name="Deletion">Per image, the target score at each fraction deleted.</param>
/// <param name="Insertion">Per image, the target score at each fraction inserted.</param>
public sealed record DeletionInsertionResult(float[] Fractions, float[][] Deletion, float[][] Insertion, double[] DeletionAuc, double[] InsertionAuc)
{
    public double MeanDeletionAuc => DeletionAuc.Average();
    public double MeanInsertionAuc => InsertionAuc.Average();
}

/// <summary>Baselines for <see cref="DeletionInsertionMetric"/>.</summary>
public static class DeletionInsertionBaselines
{
    /// <summary>All zeros (torch-cam's default): the data mean for inputs normalised to zero mean, black for raw pixels.</summary>
    public static Tensor Zeros(Tensor input) => zeros_like(input);

    /// <summary>
    /// A Gaussian blur of each channel, as torchvision's gaussian_blur (float32 kernel exp(−x²/2σ²) normalised to sum
    /// 1, reflect padding); RISE's insertion substrate is kernel 11, sigma 5. (TorchSharp's own gaussian_blur omits the
    /// exponential in 0.107, so it is not used.)
    /// </summary>
    public static Func<Tensor, Tensor> GaussianBlur(int kernelSize = 11, float sigma = 5)
    {
        if (kernelSize <= 0 || kernelSize % 2 == 0 || !(sigma > 0))
            throw new ArgumentException($"The blur needs an odd kernel size > 0 and a sigma > 0; got {kernelSize} and {sigma}.");
        return input =>
        {
            using var scope = NewDisposeScope();
            var half = (kernelSize - 1) * 0.5;
            var x = linspace(-half, half, kernelSize, ScalarType.Float32);
            var pdf = (-0.5f * (x / sigma).pow(2)).exp();
            var kernel1d = pdf / pdf.sum();
            var kernel = kernel1d.unsqueeze(1).mm(kernel1d.unsqueeze(0)).to(input.dtype, input.device);
            long channels = input.shape[1], pad = kernelSize / 2;
            var padded = functional.pad(input, new[] { pad, pad, pad, pad }, PaddingModes.Reflect);
            return functional.conv2d(padded, kernel.expand(channels, 1, kernelSize, kernelSize), groups: channels).MoveToOuterDisposeScope();
        };
    }
}
