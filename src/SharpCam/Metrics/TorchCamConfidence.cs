using SharpCam.Cam;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Metrics;

/// <summary>
/// torch-cam's average drop and increase in confidence (ClassificationMetric, after Chattopadhyay et al., Grad-CAM++,
/// WACV 2018), so SharpCam's numbers can stand next to torch-cam's published table: p = softmax(model(x)), c = argmax p;
/// the map (bilinear, half-pixel, to the input size) multiplies the input over its channels, p′ = softmax(model(map ⊙ x));
/// drop = max(p_c − p′_c, 0) / (p_c + 1e-7), increase = [p_c &lt; p′_c]. Unlike <see cref="DropInConfidence"/>, the
/// score is the predicted class's probability and the drop is relative to it.
/// </summary>
/// <remarks>torch-cam computes the maps it scores from the probabilities (its extractor backprops p_c, not the logit).</remarks>
public static class TorchCamConfidence
{
    /// <summary>Per image: the class's probability on x and on map ⊙ x, the drop and the increase (1 or 0), each [N].</summary>
    public sealed record Result(Tensor Classes, Tensor Scores, Tensor MaskedScores, Tensor Drop, Tensor Increase)
    {
        /// <summary>The mean drop over the images whose map has no NaN (torch-cam skips the others), as a fraction.</summary>
        public double AverageDrop => Drop[Valid].mean().item<float>();

        /// <summary>The fraction of those images whose class probability rose.</summary>
        public double IncreaseRate => Increase[Valid].mean().item<float>();

        internal Tensor Valid { get; init; } = null!;
    }

    /// <param name="input">[N, C, H, W].</param>
    /// <param name="maps">[N, h, w] maps in [0, 1], at any resolution.</param>
    public static Result Evaluate(Module<Tensor, Tensor> model, Tensor input, Tensor maps)
    {
        using var noGrad = no_grad();
        var p = model.call(input).softmax(1);
        var classes = p.argmax(1, keepdim: true);
        var scores = p.gather(1, classes).squeeze(1);
        var resized = CamMethod.Upsample(maps.to(input.dtype, input.device), new[] { input.shape[2], input.shape[3] });
        var masked = model.call(resized.unsqueeze(1) * input).softmax(1).gather(1, classes).squeeze(1);
        var valid = ~resized.flatten(1).isnan().any(1);
        return new Result(classes.squeeze(1), scores, masked, (scores - masked).relu() / (scores + 1e-7f), (scores < masked).to(input.dtype))
        {
            Valid = valid,
        };
    }
}
