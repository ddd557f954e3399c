using SharpCam.Metrics;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

/// <summary>The x ⊙ map metrics against pytorch-grad-cam's set C (GradCAM_pred maps of the fixture LeNet).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class CamMultImageConfidenceChangeTests
{
    [SharedDataFact]
    public void ChangeAndMaskedImagesMatchPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        using var result = new CamMultImageConfidenceChange().Evaluate(c.Model, c.Images, c.Maps, c.Targets);

        TensorAssert.Close(c.Expected["scores_before"], tensor(result.ScoresBefore), MetricsFixture.ScoreTolerance, "scores_before");
        TensorAssert.Close(c.Expected["cam_mult_conf_change"], tensor(result.Values), MetricsFixture.ScoreTolerance, "cam_mult_conf_change");
        // x ⊙ map is one float32 product per pixel: bit-exact.
        TensorAssert.Close(c.Expected["cam_mult_images"], result.PerturbedImages[..2], 0, "cam_mult_images");
    }

    [SharedDataFact]
    public void DropAndIncreaseMatchPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        using var drop = new DropInConfidence().Evaluate(c.Model, c.Images, c.Maps, c.Targets);
        using var increase = new IncreaseInConfidence().Evaluate(c.Model, c.Images, c.Maps, c.Targets);

        TensorAssert.Close(c.Expected["drop_in_confidence"], tensor(drop.Values), MetricsFixture.ScoreTolerance, "drop_in_confidence");
        Assert.Equal(MetricsFixture.Floats(c.Expected["increase_in_confidence"]), increase.Values);
    }

    [SharedDataFact]
    public void IncreaseIsOneWhereTheMaskedImageScoresHigher()
    {
        // Every fixture image loses score under its own map (the fixture's increase is all 0). Under an all-ones map the
        // score is unchanged (change 0 → 0); explaining the lowest-logit class with the map inverted raises some scores.
        using var scope = NewDisposeScope();
        using var c = new SetC();
        var lowest = c.Model.call(c.Images).argmin(1).data<long>().Select(k => (ICamTarget)new ClassLogitTarget((int)k)).ToList();
        using var unchanged = new IncreaseInConfidence().Evaluate(c.Model, c.Images, ones(8, 28, 28), lowest);
        Assert.All(unchanged.Values, v => Assert.Equal(0f, v));
        using var change = new CamMultImageConfidenceChange().Evaluate(c.Model, c.Images, 1 - c.Maps, lowest);
        using var increase = new IncreaseInConfidence().Evaluate(c.Model, c.Images, 1 - c.Maps, lowest);
        Assert.Equal(change.Values.Select(v => v > 0 ? 1f : 0f), increase.Values);
        Assert.Contains(1f, increase.Values);
    }

    [SharedDataFact]
    public void RejectsMisshapenOrNonFiniteMapsAndModelsInTrainingMode()
    {
        using var scope = NewDisposeScope();
        using var c = new SetC();
        var metric = new DropInConfidence();
        var error = Assert.Throws<ArgumentException>(() => metric.Evaluate(c.Model, c.Images, LeNetFixture.Cams()["GradCAM_raw_pred"], c.Targets));
        Assert.Contains("input resolution", error.Message);
        var withNaN = c.Maps.clone();
        withNaN[3, 10, 10] = tensor(float.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => metric.Evaluate(c.Model, c.Images, withNaN, c.Targets)).Message);
        c.Model.train();
        Assert.Contains("model.eval()", Assert.Throws<InvalidOperationException>(() => metric.Evaluate(c.Model, c.Images, c.Maps, c.Targets)).Message);
    }
}
