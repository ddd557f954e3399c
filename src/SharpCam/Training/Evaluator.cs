using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Training;

/// <summary>The notebook's test step (trainer.test): loss, accuracy, confusion matrix and per-image predictions.</summary>
public static class Evaluator
{
    public const int DefaultBatchSize = 256;

    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="data"/> in eval mode without gradients, in batches, and
    /// restores the model's previous mode, with <paramref name="intraOpThreads"/> libtorch threads (0 keeps the current
    /// setting; one is fastest for LeNet, see <see cref="TrainingOptions.IntraOpThreads"/>). The loss is the sum of the per-image cross-entropies (added in float64)
    /// divided by the number of images: Lightning's epoch mean weights each batch mean by its batch size, which is
    /// exactly this, while a plain mean of batch means would over-weight a short last batch.
    /// </summary>
    public static EvaluationResult Evaluate(Module<Tensor, Tensor> model, LabelledImages data, int batchSize = DefaultBatchSize,
                                            IProgress<ProgressUpdate>? progress = null, string progressTask = "Test",
                                            int intraOpThreads = 1, CancellationToken cancellation = default)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The evaluation batch size must be at least 1.");
        data.Validate("evaluation");
        var count = (int)data.Count;
        var device = ModelDevice(model);
        var (labels, predictions, confidences) = (new int[count], new int[count], new float[count]);
        int numClasses = 0;
        double lossSum = 0;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var threads = new IntraOpThreads(intraOpThreads);
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int length = Math.Min(batchSize, count - start);
                var images = data.Images.narrow(0, start, length).to(device);
                var batchLabels = data.Labels.narrow(0, start, length).to(device);
                var logits = model.call(images);
                if (start == 0) data.ValidateLabels("evaluation", numClasses = (int)logits.shape[1]);
                lossSum += functional.cross_entropy(logits, batchLabels, reduction: Reduction.None).to(ScalarType.Float64).sum().item<double>();
                var (confidence, prediction) = logits.softmax(1).max(1);
                confidence.cpu().data<float>().CopyTo(confidences, start);
                Copy(prediction, predictions, start);
                Copy(batchLabels, labels, start);
                progress?.Report(new ProgressUpdate(progressTask, start + length, count));
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return new EvaluationResult(lossSum / count, labels, predictions, confidences, numClasses);
    }

    internal static Device ModelDevice(Module model) => model.parameters().FirstOrDefault()?.device ?? CPU;

    private static void Copy(Tensor int64, int[] destination, int start)
    {
        var values = int64.cpu().data<long>();
        for (int i = 0; i < values.Count; i++) destination[start + i] = (int)values[i];
    }
}
