using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Models;

/// <summary>The tolerances of the zoo's map parity tests against PyTorch (logits: TensorAssert.LogitsClose).</summary>
public static class ZooAssert
{
    /// <summary>Grad-CAM maps, in [0, 1] after divide-by-max: 1e-4 absolute.</summary>
    public static void MapClose(Tensor expected, Tensor actual, string what) => TensorAssert.Close(expected, actual, 1e-4, what);
}
