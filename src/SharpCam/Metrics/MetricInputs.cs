using SharpCam.Cam;
using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Metrics;

/// <summary>The checks and the scoring every metric shares: a model in eval mode, a batch, its maps and its targets.</summary>
internal static class MetricInputs
{
    /// <summary>Throws a clear message unless input is [N, C, H, W], maps [N, H, W] at input resolution, and one target per image.</summary>
    public static void Validate(Module<Tensor, Tensor> model, Tensor input, Tensor maps, IReadOnlyList<ICamTarget> targets)
    {
        if (model.training)
            throw new InvalidOperationException("The model is in training mode; call model.eval() before computing metrics " +
                                                "(dropout and batch-norm statistics would make the scores depend on the batch).");
        if (input.dim() != 4)
            throw new ArgumentException($"Expected an image batch [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        if (maps.dim() != 3 || maps.shape[0] != input.shape[0] || maps.shape[1] != input.shape[2] || maps.shape[2] != input.shape[3])
            throw new ArgumentException(
                $"Expected one map per image at input resolution, [{input.shape[0]}, {input.shape[2]}, {input.shape[3]}]; got " +
                $"[{string.Join(", ", maps.shape)}]. Use CamResult.Maps (already upsampled), not the layer maps.", nameof(maps));
        using (var finite = maps.isfinite().all())
            if (!finite.item<bool>())
                throw new ArgumentException("The maps contain NaN or infinite values; metrics rank pixels by their map value, so every value must be finite.", nameof(maps));
        if (targets.Count != input.shape[0])
            throw new ArgumentException($"{targets.Count} targets were given for {input.shape[0]} images; give one per image.", nameof(targets));
    }

    /// <summary>Each image's target score on <paramref name="batch"/> (no gradients), as float32.</summary>
    public static float[] Scores(Module<Tensor, Tensor> model, Tensor batch, IReadOnlyList<ICamTarget> targets)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return CamMethod.TargetScores(model.call(batch), targets).to(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    /// <summary>One map [H, W] as a row-major float32 array.</summary>
    public static float[] Pixels(Tensor map)
    {
        using var cpu = map.detach().to(ScalarType.Float32).cpu().contiguous();
        return cpu.data<float>().ToArray();
    }
}
