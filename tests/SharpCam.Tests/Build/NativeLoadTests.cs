using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Tests.Build;

/// <summary>The build's GLIBCXX fix-up must let libtorch load on Debian 12: a real tensor op proves it.</summary>
public class NativeLoadTests
{
    [Fact]
    public void TensorArithmeticRunsOnCpu()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = a * 2 + 1;
        Assert.Equal(new float[] { 3, 5, 7 }, b.data<float>().ToArray());
    }
}
