using SharpCam.Cam;
using SharpCam.Targets;
using SharpCam.Tests.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Targets;

/// <summary>
/// Concept similarity against pytorch-grad-cam run with a cosine-similarity target (tests/fixtures/cams/
/// make_cam_fixtures.py): on the model output, and on the pooled conv.5 features of a head-less wrapper.
/// </summary>
public class ConceptSimilarityTargetTests
{
    [SharedDataFact]
    public void ConceptOfAReferenceImageIsItsOutputOrPooledLayerFeatures()
    {
        using var scope = NewDisposeScope();
        var extras = CamFixtures.Extras();
        using var model = LeNetFixture.Model();
        var reference = LeNetFixture.Misclassified()["images"][0];
        TensorAssert.Close(extras["concept_output_ref"], ConceptSimilarityTarget.FromReferenceImage(model, reference).Concept, 1e-5, "output concept");
        TensorAssert.Close(extras["concept_layer_ref"], ConceptSimilarityTarget.FromReferenceImage(model, reference, "conv.5").Concept, 1e-5, "conv.5 concept");
    }

    [SharedDataFact]
    public void ScoresAreCosineSimilarities()
    {
        using var scope = NewDisposeScope();
        var extras = CamFixtures.Extras();
        var f = LeNetFixture.Cams();
        var target = new ConceptSimilarityTarget(extras["concept_output_ref"]);
        var scores = CamMethod.TargetScores(f["logits"], Enumerable.Repeat<ICamTarget>(target, 8).ToList());
        TensorAssert.Close(extras["concept_output_scores"], scores, 1e-6, "cosine similarities");
    }

    [SharedDataTheory]
    [InlineData("gradcam", "GradCAM")]
    [InlineData("scorecam", "ScoreCAM")]
    [InlineData("ablationcam", "AblationCAM")]
    public void MapsMatchPytorchGradCamForOutputAndLayerConcepts(string method, string reference)
    {
        using var scope = NewDisposeScope();
        var extras = CamFixtures.Extras();
        var images = LeNetFixture.Cams()["images"];
        using var model = LeNetFixture.Model();
        var cam = CamMethods.Create(method, model, new[] { "conv.4" }, CamFixtures.Parity);
        foreach (var (kind, layer) in new[] { ("output", (string?)null), ("layer", "conv.5") })
        {
            var target = new ConceptSimilarityTarget(extras[$"concept_{kind}_ref"], layer);
            using var result = cam.Explain(images, Enumerable.Repeat<ICamTarget>(target, 8).ToList());
            // Same tolerance as the class targets (measured ≤ 2e-6).
            TensorAssert.Close(extras[$"concept_{kind}_{reference}"], result.Maps, 1e-5, $"concept_{kind}_{reference}");
        }
    }

    [SharedDataFact]
    public void ALayerBeforeTheTargetLayerIsRefusedClearly()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var target = new ConceptSimilarityTarget(ones(6), "conv.0");
        var error = Assert.Throws<InvalidOperationException>(() =>
            new GradCam(model, new[] { "conv.4" }).Explain(LeNetFixture.Cams()["images"][..2], new[] { target, target }));
        Assert.Contains("conv.0", error.Message);
        Assert.Contains("after every target layer", error.Message);
    }

    [Fact]
    public void MixedScoredTensorsInOneBatchAreRefused()
    {
        using var scope = NewDisposeScope();
        using var model = new SharpCam.Models.LeNet();
        var targets = new ICamTarget[] { new ClassLogitTarget(1), new ConceptSimilarityTarget(ones(16), "conv.5") };
        var error = Assert.Throws<ArgumentException>(() => new GradCam(model, new[] { "conv.4" }).Explain(zeros(2, 1, 28, 28), targets));
        Assert.Contains("conv.5", error.Message);
    }

    [Fact]
    public void AConceptOfTheWrongLengthIsRefusedClearly()
    {
        using var scope = NewDisposeScope();
        using var model = new SharpCam.Models.LeNet();
        var target = new ConceptSimilarityTarget(ones(7));
        var error = Assert.Throws<ArgumentException>(() => new GradCam(model, new[] { "conv.4" }).Explain(zeros(1, 1, 28, 28), new[] { target }));
        Assert.Contains("7 values", error.Message);
        Assert.Contains("10 features", error.Message);
    }
}
