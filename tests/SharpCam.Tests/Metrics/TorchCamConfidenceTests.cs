using SharpCam.Metrics;
using SharpCam.Tests.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

/// <summary>torch-cam's average drop / increase in confidence from the CAMs it used (methods_metrics.npz, set A).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class TorchCamConfidenceTests
{
    /// <summary>
    /// The probabilities come from LeNet's logits (chain 635, both runs) through a softmax (10 terms); a probability's
    /// absolute error is at most its logits' relative error times 2 (softmax's Jacobian has row sums ≤ 2p) — bounded by
    /// 2·BetweenRuns(635 + 10, max |logit| = 17.3 on these images, cams.npz: logits, rounded up to 32). The masked forward adds the bilinear
    /// resize (4 terms). The drop divides by p_c ≥ 0.458: ×(1/0.458 + 1).
    /// </summary>
    [SharedDataTheory]
    [InlineData("GradCAM")]
    [InlineData("GradCAMpp")]
    [InlineData("SmoothGradCAMpp")]
    [InlineData("LayerCAM")]
    public void MatchesTorchCam(string method)
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.Metrics();
        using var model = LeNetFixture.Model();
        var result = TorchCamConfidence.Evaluate(model, f["images"], m[$"tc_metric_{method}_cam"]);
        var probability = 2 * Float32Error.BetweenRuns(Float32Error.LeNetLogits + 10 + 4, 32);
        TensorAssert.Close(m[$"tc_metric_{method}_scores"], result.Scores, probability, method + " scores");
        TensorAssert.Close(m[$"tc_metric_{method}_masked_scores"], result.MaskedScores, probability, method + " masked scores");
        TensorAssert.Close(m[$"tc_metric_{method}_drop"], result.Drop, probability * (1 / 0.458 + 1), method + " drop");
        TensorAssert.Close(m[$"tc_metric_{method}_increase"], result.Increase, 0, method + " increase");
        var summary = m[$"tc_metric_{method}_summary"];
        Assert.InRange(result.AverageDrop - summary[0].item<float>(), -probability * 3.2, probability * 3.2);
        Assert.Equal(summary[1].item<float>(), result.IncreaseRate, 6);
    }
}
