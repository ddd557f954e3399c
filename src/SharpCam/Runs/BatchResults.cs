using SharpCam.Explanation;
using static TorchSharp.torch;

namespace SharpCam.Runs;

/// <summary>What the run strategies share when they turn a batch's tensors into manifest items.</summary>
internal static class BatchResults
{
    /// <summary>The batch's inputs stacked on <paramref name="device"/>; the per-item tensors are released.</summary>
    public static Tensor Stack(IReadOnlyList<(long Position, ExplainInput Input)> batch, Device device)
    {
        var inputs = batch.Select(b => b.Input.ModelInput).ToList();
        var stacked = stack(inputs).to(device);
        foreach (var input in inputs) input.Dispose();
        return stacked;
    }

    /// <summary>Class scores are [N, K]; anything else (features, [N, D, 1, 1]) is not.</summary>
    public static bool HasClassScores(Tensor logits) => logits.dim() == 2;

    public static string NoClassScores(Tensor logits, string why) =>
        $"The model has no class scores (its output is [{string.Join(", ", logits.shape.Skip(1))}] per image, not [classes]): {why}. " +
        "Explain it with Eigen-CAM or a concept similarity target instead.";

    public static double[] Probabilities(Tensor row) => row.data<float>().Select(p => (double)p).ToArray();

    public static double Probability(Tensor probabilities, int row, int column) => probabilities[row, column].item<float>();

    public static List<int> Shape(Tensor map) => map.shape.Select(d => (int)d).ToList();
}
