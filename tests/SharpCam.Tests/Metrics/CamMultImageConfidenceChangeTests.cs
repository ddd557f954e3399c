using SharpCam.Metrics;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

/// <summary>The x ⊙ map metrics against pytorch-grad-cam's set C (GradCAM_pred maps of the fixture LeNet).</summary>
public class CamMultImageConfidenceChangeTests
{
    [SharedDataFact]
    public void ChangeAndMaskedImagesMatchPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var cams = LeNetFixture.Cams();
        var expected = MetricsFixture.Metrics();
        using var model = LeNetFixture.Model();
        using var result = new CamMultImageConfidenceChange().Evaluate(model, cams["images"], cams["GradCAM_pred"], MetricsFixture.PredictedTargets(cams));

        TensorAssert.Close(expected["scores_before"], tensor(result.ScoresBefore), MetricsFixture.ScoreTolerance, "scores_before");
        TensorAssert.Close(expected["cam_mult_conf_change"], tensor(result.Values), MetricsFixture.ScoreTolerance, "cam_mult_conf_change");
        // x ⊙ map is one float32 product per pixel: bit-exact.
        TensorAssert.Close(expected["cam_mult_images"], result.PerturbedImages[..2], 0, "cam_mult_images");
    }

    [SharedDataFact]
    public void DropAndIncreaseMatchPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var cams = LeNetFixture.Cams();
        var expected = MetricsFixture.Metrics();
        using var model = LeNetFixture.Model();
        var targets = MetricsFixture.PredictedTargets(cams);
        using var drop = new DropInConfidence().Evaluate(model, cams["images"], cams["GradCAM_pred"], targets);
        using var increase = new IncreaseInConfidence().Evaluate(model, cams["images"], cams["GradCAM_pred"], targets);

        TensorAssert.Close(expected["drop_in_confidence"], tensor(drop.Values), MetricsFixture.ScoreTolerance, "drop_in_confidence");
        Assert.Equal(MetricsFixture.Floats(expected["increase_in_confidence"]), increase.Values);
    }

    [SharedDataFact]
    public void IncreaseIsOneWhereTheMaskedImageScoresHigher()
    {
        using var scope = NewDisposeScope();
        var cams = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        // Every fixture image loses score under its own map; under an all-ones map the score is unchanged (change 0 → 0),
        // and explaining the lowest logit class with its map inverted makes at least one score rise.
        var images = cams["images"];
        var lowest = model.call(images).argmin(1).data<long>().Select(c => (ICamTarget)new ClassLogitTarget((int)c)).ToList();
        using var unchanged = new IncreaseInConfidence().Evaluate(model, images, ones(8, 28, 28), lowest);
        Assert.All(unchanged.Values, v => Assert.Equal(0f, v));
        using var change = new CamMultImageConfidenceChange().Evaluate(model, images, 1 - cams["GradCAM_pred"], lowest);
        using var increase = new IncreaseInConfidence().Evaluate(model, images, 1 - cams["GradCAM_pred"], lowest);
        Assert.Equal(change.Values.Select(c => c > 0 ? 1f : 0f), increase.Values);
        Assert.Contains(1f, increase.Values);
    }

    [SharedDataFact]
    public void RejectsMisshapenOrNonFiniteMapsAndModelsInTrainingMode()
    {
        using var scope = NewDisposeScope();
        var cams = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        var targets = MetricsFixture.PredictedTargets(cams);
        var error = Assert.Throws<ArgumentException>(() => new DropInConfidence().Evaluate(model, cams["images"], cams["GradCAM_raw_pred"], targets));
        Assert.Contains("input resolution", error.Message);
        var withNaN = cams["GradCAM_pred"].clone();
        withNaN[3, 10, 10] = tensor(float.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new DropInConfidence().Evaluate(model, cams["images"], withNaN, targets)).Message);
        model.train();
        Assert.Contains("model.eval()", Assert.Throws<InvalidOperationException>(
            () => new DropInConfidence().Evaluate(model, cams["images"], cams["GradCAM_pred"], targets)).Message);
    }
}
