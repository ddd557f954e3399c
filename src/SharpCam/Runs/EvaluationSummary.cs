using SharpCam.Explanation;
using SharpCam.Training;

namespace SharpCam.Runs;

/// <summary>A test evaluation as the manifest's "evaluation" section.</summary>
public static class EvaluationSummary
{
    public static Evaluation From(EvaluationResult result) => new()
    {
        TestLoss = result.Loss,
        TestAcc = result.Accuracy,
        N = result.Count,
        PerClassAccuracy = result.PerClassAccuracy().Select(a => double.IsNaN(a) ? (double?)null : a).ToList(),
        Confusion = Enumerable.Range(0, result.NumClasses)
            .Select(t => (IReadOnlyList<long>)Enumerable.Range(0, result.NumClasses).Select(p => (long)result.ConfusionMatrix[t, p]).ToList())
            .ToList(),
    };
}
