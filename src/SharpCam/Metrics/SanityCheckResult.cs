using System.Globalization;
using SharpCam.Targets;

namespace SharpCam.Metrics;

public enum SanityVerdict
{
    /// <summary>The maps decorrelate from the trained model's when the weights are randomised.</summary>
    Passes,

    /// <summary>The maps barely change when the weights are randomised: they do not explain what the model learned.</summary>
    Warning,
}

/// <summary>
/// The maps after one more layer was randomised, compared with the trained model's maps, per image.
/// <see cref="Spearman"/>[i] is NaN when either map is constant (as scipy). In the means, images whose trained map is
/// constant are left out (there is no ranking to lose), and a randomised map that became constant counts as 0.
/// </summary>
/// <param name="Layer">The layer randomised at this step (all layers above it are randomised too).</param>
/// <param name="RandomizedLayers">How many layers are randomised now, counted from the logits.</param>
public sealed record SanityCheckStep(string Layer, int RandomizedLayers, double[] Spearman, double[] Ssim, bool[] ConstantOriginal)
{
    public double MeanSpearman => Mean(Spearman.Select(r => double.IsNaN(r) ? 0 : r));
    public double MeanAbsoluteSpearman => Mean(Spearman.Select(r => double.IsNaN(r) ? 0 : Math.Abs(r)));
    public double MeanSsim => Mean(Ssim);

    private double Mean(IEnumerable<double> values)
    {
        var kept = values.Where((_, i) => !ConstantOriginal[i]).ToList();
        return kept.Count == 0 ? double.NaN : kept.Average();
    }
}

/// <summary>The cascading randomisation of one method on one batch.</summary>
/// <param name="Method">The method's name, e.g. "gradcam".</param>
/// <param name="Targets">What each image's maps explain, the same at every step.</param>
/// <param name="Steps">One per randomised layer, from the logits downward; the last is the fully randomised model.</param>
/// <param name="Threshold">The mean |Spearman| below which the check passes.</param>
public sealed record SanityCheckResult(string Method, IReadOnlyList<ICamTarget> Targets, IReadOnlyList<SanityCheckStep> Steps, double Threshold)
{
    /// <summary>The mean |Spearman| once every layer is randomised.</summary>
    public double FinalMeanAbsoluteSpearman => Steps[^1].MeanAbsoluteSpearman;

    /// <summary>Passes when the final mean |Spearman| is below the threshold (a NaN mean, every trained map constant, is a warning).</summary>
    public SanityVerdict Verdict => FinalMeanAbsoluteSpearman < Threshold ? SanityVerdict.Passes : SanityVerdict.Warning;

    /// <summary>One line for people: the verdict and the number behind it.</summary>
    public string Summary => string.Format(CultureInfo.InvariantCulture,
        Verdict == SanityVerdict.Passes
            ? "passes: maps depend on the weights (mean |Spearman| {0:0.000} with every layer randomised, below {1})"
            : "warning: maps barely change under randomisation (mean |Spearman| {0:0.000} with every layer randomised, not below {1})",
        FinalMeanAbsoluteSpearman, Threshold);
}
