using static TorchSharp.torch;

namespace SharpCam.Tests.Support;

public static class TensorAssert
{
    /// <summary>Asserts same shape and max |expected - actual| ≤ tolerance, reporting the worst element.</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance, string what = "tensor")
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs();
        var max = diff.max().item<double>();
        Assert.True(max <= tolerance, $"{what}: max abs difference {max:G4} exceeds {tolerance:G4} (at flat index {diff.argmax().item<long>()})");
    }
}
