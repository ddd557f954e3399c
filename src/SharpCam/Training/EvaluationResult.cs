namespace SharpCam.Training;

/// <summary>
/// A model's results on a labelled set: the notebook's test loss and accuracy, plus what the failure analysis needs
/// per image (prediction and max-softmax confidence, in the set's order).
/// </summary>
public sealed class EvaluationResult
{
    public EvaluationResult(double loss, int[] labels, int[] predictions, float[] confidences, int numClasses)
    {
        Loss = loss;
        Labels = labels;
        Predictions = predictions;
        Confidences = confidences;
        ConfusionMatrix = new int[numClasses, numClasses];
        for (int i = 0; i < labels.Length; i++) ConfusionMatrix[labels[i], predictions[i]]++;
        Accuracy = labels.Length == 0 ? double.NaN : (double)CorrectCount / labels.Length;
    }

    public int Count => Labels.Length;
    public int NumClasses => ConfusionMatrix.GetLength(0);
    /// <summary>Mean cross-entropy over all images (not a mean of batch means).</summary>
    public double Loss { get; }
    public double Accuracy { get; }
    public int CorrectCount => Enumerable.Range(0, NumClasses).Sum(c => ConfusionMatrix[c, c]);
    public int[] Labels { get; }
    public int[] Predictions { get; }
    /// <summary>Softmax probability of the predicted class, per image.</summary>
    public float[] Confidences { get; }
    /// <summary>Counts [true class, predicted class].</summary>
    public int[,] ConfusionMatrix { get; }

    /// <summary>Accuracy of each true class (recall); NaN for a class with no images in the set.</summary>
    public double[] PerClassAccuracy() =>
        Enumerable.Range(0, NumClasses).Select(c =>
        {
            int total = Enumerable.Range(0, NumClasses).Sum(p => ConfusionMatrix[c, p]);
            return total == 0 ? double.NaN : (double)ConfusionMatrix[c, c] / total;
        }).ToArray();
}
