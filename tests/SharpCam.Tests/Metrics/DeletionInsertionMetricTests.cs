using SharpCam.Metrics;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

/// <summary>
/// Deletion/insertion against deletion_insertion.npz: torch-cam's DeletionInsertionMetric algorithm in plain torch on
/// set A's LeNet, images and GradCAM_pred maps (see make_metric_references.py).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class DeletionInsertionMetricTests
{
    public static TheoryData<string, int, bool, bool> Cases => new()
    {
        { "zeros_steps20", 20, false, false },
        { "zeros_steps30", 30, false, false },   // 784 = 29·27 + 1: the last interval holds one pixel
        { "blur_steps20", 20, true, false },
        { "zeros_steps20_softmax", 20, false, true },
    };

    [SharedDataTheory]
    [MemberData(nameof(Cases))]
    public void CurvesAndAreasMatchTheTorchCamAlgorithm(string name, int steps, bool blur, bool probabilities)
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        var expected = MetricsFixture.Reference("deletion_insertion.npz");
        var targets = c.Targets.Select(t => probabilities ? new ClassProbabilityTarget(t.ClassIndex!.Value) : t).ToList();
        var metric = new DeletionInsertionMetric(steps, blur ? DeletionInsertionBaselines.GaussianBlur() : null, batchSize: 50);
        var progress = new ProgressLog();
        var result = metric.Evaluate(c.Model, c.Images, c.Maps, targets, progress);

        var shape = new long[] { 8, result.Fractions.Length };
        Assert.Equal(MetricsFixture.Floats(expected[$"{name}_fractions"]), result.Fractions);
        TensorAssert.Close(expected[$"{name}_deletion"], tensor(result.Deletion.SelectMany(v => v).ToArray(), shape), MetricsFixture.ScoreTolerance, "deletion");
        TensorAssert.Close(expected[$"{name}_insertion"], tensor(result.Insertion.SelectMany(v => v).ToArray(), shape), MetricsFixture.ScoreTolerance, "insertion");
        TensorAssert.Close(expected[$"{name}_deletion_auc"], tensor(result.DeletionAuc), MetricsFixture.ScoreTolerance, "deletion AUC");
        TensorAssert.Close(expected[$"{name}_insertion_auc"], tensor(result.InsertionAuc), MetricsFixture.ScoreTolerance, "insertion AUC");
        Assert.Equal(progress.Reports[^1].Total, progress.Reports[^1].Done);
    }

    [SharedDataFact]
    public void BlurBaselineIsTorchvisionsGaussianBlur()
    {
        using var scope = NewDisposeScope();
        var images = LeNetFixture.Cams()["images"];
        // The same float32 kernel and convolution: measured bit-exact; float32 rounding allowed.
        TensorAssert.Close(MetricsFixture.Reference("deletion_insertion.npz")["blurred"], DeletionInsertionBaselines.GaussianBlur(11, 5)(images), 1e-6, "blurred");
    }

    [SharedDataFact]
    public void RejectsBaselinesThatDoNotFitTheInput()
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        var metric = new DeletionInsertionMetric(baseline: _ => zeros(3, 5, 5));
        Assert.Contains("does not broadcast", Assert.Throws<ArgumentException>(() => metric.Evaluate(c.Model, c.Images, c.Maps, c.Targets)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeletionInsertionMetric(steps: 0));
        Assert.Throws<ArgumentException>(() => DeletionInsertionBaselines.GaussianBlur(4, 1));
    }
}
