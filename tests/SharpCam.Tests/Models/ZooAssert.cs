using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Models;

/// <summary>The tolerances of the zoo's parity tests against PyTorch.</summary>
public static class ZooAssert
{
    /// <summary>
    /// Logits within 1e-4 × max(1, largest |logit|): 1e-4 absolute for logits up to 1, relative beyond. Float32 through
    /// up to 150 layers with other kernels (MKL-DNN vs libtorch 2.10) drifts by a few ulps of the largest activations;
    /// measured: at most 4e-6 of the logit scale (mobilenet_v3_large, logits up to 64 and 477).
    /// </summary>
    public static void LogitsClose(Tensor expected, Tensor actual, string what)
    {
        var scale = Math.Max(1.0, expected.abs().max().item<float>());
        TensorAssert.Close(expected, actual, 1e-4 * scale, $"{what} logits (scale {scale:G3})");
    }

    /// <summary>Grad-CAM maps, in [0, 1] after divide-by-max: 1e-4 absolute.</summary>
    public static void MapClose(Tensor expected, Tensor actual, string what) => TensorAssert.Close(expected, actual, 1e-4, what);
}
