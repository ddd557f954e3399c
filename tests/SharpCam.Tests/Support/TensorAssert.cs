using static TorchSharp.torch;

namespace SharpCam.Tests.Support;

public static class TensorAssert
{
    /// <summary>
    /// With SHARPCAM_TOLERANCE_LOG=FILE, every comparison appends "what, max difference, tolerance" to FILE: how much of each
    /// tolerance a CPU's kernels use. It never sets a tolerance; the comments beside each do.
    /// </summary>
    private static class ToleranceLog
    {
        private static readonly string? File = Environment.GetEnvironmentVariable("SHARPCAM_TOLERANCE_LOG");
        private static readonly Lock Gate = new();

        public static void Record(string what, double max, double tolerance)
        {
            if (File is null) return;
            lock (Gate) System.IO.File.AppendAllText(File, FormattableString.Invariant($"{max:G4}\t{tolerance:G4}\t{what}\n"));
        }
    }

    /// <summary>Asserts same shape and max |expected - actual| ≤ tolerance, reporting the worst element.</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance, string what = "tensor")
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs();
        var max = diff.max().item<double>();
        ToleranceLog.Record(what, max, tolerance);
        Assert.True(max <= tolerance, $"{what}: max abs difference {max:G4} exceeds {tolerance:G4} (at flat index {diff.argmax().item<long>()})");
    }

    /// <summary>
    /// Logits through <paramref name="model"/>'s whole forward chain (Float32Error.ForwardChain: every convolution's and
    /// linear's fan-in), relative to the largest |logit|, or 1 for smaller logits (the terms of a logit near 0 are not
    /// near 0; a logit dominated by its largest term is no larger than its terms). E.g. LeNet: n = 635, 2 × 8√n·u ≈ 2.4e-5
    /// of the scale; vgg16: n ≈ 1.2e5, ≈ 3.3e-4.
    /// </summary>
    public static void LogitsClose(Tensor expected, Tensor actual, TorchSharp.torch.nn.Module model, string what)
    {
        var scale = Math.Max(1.0, expected.abs().max().item<float>());
        Close(expected, actual, Float32Error.BetweenRuns(Float32Error.ForwardChain(model), scale), $"{what} logits (scale {scale:G3})");
    }
}
