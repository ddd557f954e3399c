using SharpCam.Models;
using SharpCam.Tests.Support;
using SharpCam.Training;
using static SharpCam.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace SharpCam.Tests.Training;

/// <summary>Test-set evaluation against PyTorch's on the same weights and digits (make_training_fixtures.py).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class EvaluatorTests
{
    [Fact]
    public void MatchesPyTorchForTheShortTrainedModel()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetWith(Load("short_training.npz"), "final.");
        AssertMatches("short.", Evaluator.Evaluate(model, Digits("test")));
    }

    [SharedDataFact]
    public void MatchesPyTorchForPytorchGradCamsLeNet()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        // A Fashion-MNIST model on digits: 12.5% accuracy, a confusion matrix far from diagonal.
        AssertMatches("fmnist.", Evaluator.Evaluate(model, Digits("test")));
    }

    [Fact]
    public void LossIsTheMeanOverImagesEvenWithAShortLastBatch()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetWith(Load("short_training.npz"), "final.");
        // 18 batches of 7 and a last one of 2: a mean of the batch means would weight those 2 images 3.5× too much.
        AssertMatches("short.", Evaluator.Evaluate(model, Digits("test"), batchSize: 7));
    }

    [Fact]
    public void PerClassAccuracyIsTheRecallOfEachClassAndNaNForAnAbsentClass()
    {
        var result = new EvaluationResult(0.5, labels: [0, 0, 0, 1, 2, 2], predictions: [0, 0, 1, 1, 2, 0],
                                          confidences: [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f], numClasses: 4);
        Assert.Equal(new[] { 2.0 / 3, 1.0, 0.5, double.NaN }, result.PerClassAccuracy());
        Assert.Equal(4.0 / 6, result.Accuracy);
        Assert.Equal(4, result.CorrectCount);
        Assert.Equal(new[,] { { 2, 1, 0, 0 }, { 0, 1, 0, 0 }, { 1, 0, 1, 0 }, { 0, 0, 0, 0 } }, result.ConfusionMatrix);
    }

    [Fact]
    public void RestoresTheModelsModeAndLeavesNoGradients()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        model.train();
        Evaluator.Evaluate(model, Digits("val"));
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        model.eval();
        Evaluator.Evaluate(model, Digits("val"));
        Assert.False(model.training);
    }

    [Fact]
    public void RestoresLibtorchsThreadCount()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            Evaluator.Evaluate(model, Digits("val"), intraOpThreads: 1);
            Assert.Equal(2, get_num_threads());
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public void RejectsLabelsTheModelCannotPredict()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet(numClasses: 5);
        var error = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, Digits("val")));
        Assert.Contains("evaluation labels must lie in [0, 4] for a 5-class model; they span [0, 9]", error.Message);
    }

    private static void AssertMatches(string prefix, EvaluationResult actual)
    {
        var expected = Load("evaluation.npz");
        // Loss ≈ 2.25 / 6.44: PyTorch's float64 mean stored as float32 (half an ulp ≤ 2.4e-7), plus float32 logits: 1e-6.
        Assert.Equal(Scalar(expected[prefix + "loss"]), actual.Loss, 1e-6);
        Assert.Equal((float)Scalar(expected[prefix + "accuracy"]), (float)actual.Accuracy);
        Assert.Equal(expected[prefix + "predictions"].data<long>().Select(p => (int)p), actual.Predictions);
        TensorAssert.Close(expected[prefix + "confidences"], tensor(actual.Confidences), 1e-6, "confidences");
        var confusion = expected[prefix + "confusion"].data<long>().ToArray();
        Assert.Equal(confusion.Select(c => (int)c), actual.ConfusionMatrix.Cast<int>());
        Assert.Equal(Digits("test").Labels.data<long>().Select(l => (int)l), actual.Labels);
    }
}
