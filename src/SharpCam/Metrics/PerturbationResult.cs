using static TorchSharp.torch;

namespace SharpCam.Metrics;

/// <summary>
/// A perturbation metric on one batch: per image, the target score before and after, and the metric's value.
/// Owns <see cref="PerturbedImages"/> (outside every dispose scope) until <see cref="Dispose"/>.
/// </summary>
public sealed class PerturbationResult : IDisposable
{
    public PerturbationResult(float[] scoresBefore, float[] scoresAfter, float[] values, Tensor perturbedImages)
    {
        ScoresBefore = scoresBefore;
        ScoresAfter = scoresAfter;
        Values = values;
        PerturbedImages = perturbedImages.DetachFromDisposeScope();
    }

    /// <summary>Each image's target score on the original input.</summary>
    public float[] ScoresBefore { get; }

    /// <summary>Each image's target score on its perturbed copy.</summary>
    public float[] ScoresAfter { get; }

    /// <summary>The metric per image (for most metrics ScoresAfter − ScoresBefore).</summary>
    public float[] Values { get; }

    /// <summary>The mean of <see cref="Values"/>.</summary>
    public double Mean => Values.Average(v => (double)v);

    /// <summary>What the model saw, [N, C, H, W] (pytorch-grad-cam's return_visualization).</summary>
    public Tensor PerturbedImages { get; }

    public void Dispose() => PerturbedImages.Dispose();
}
