using SharpCam.Cli.Console;

namespace SharpCam.Tests.Cli.Console;

public class ErrorReporterTests
{
    [Fact]
    public void DotNetParameterSuffixesAreNotShown()
    {
        Assert.Equal("At least one target layer is needed.",
                     ErrorReporter.Describe(new ArgumentException("At least one target layer is needed.", "targetLayers")));
        Assert.Equal("ROAD percentiles lie in [0, 100].",
                     ErrorReporter.Describe(new ArgumentOutOfRangeException("percentile", 120.0, "ROAD percentiles lie in [0, 100].")));
    }

    /// <summary>The message libtorch gives TorchSharp: the problem, then a C++ backtrace.</summary>
    [Fact]
    public void LibtorchBacktracesAreCutAndMessagesKeepToTwoLines()
    {
        var libtorch = new System.Runtime.InteropServices.ExternalException(
            "mat1 and mat2 shapes cannot be multiplied (16x400 and 256x120)\nException raised from meta at /pytorch/aten/src/ATen/native/LinearAlgebra.cpp:191 (most recent call first):\n" +
            "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x6b (0x7f in libc10.so)\nframe #1: …");
        Assert.Equal("mat1 and mat2 shapes cannot be multiplied (16x400 and 256x120)", ErrorReporter.Describe(libtorch));
        var long3 = ErrorReporter.Describe(new InvalidOperationException("one\ntwo\nthree"));
        Assert.Equal(2, long3.Split(Environment.NewLine).Length);
        Assert.EndsWith("(SHARPCAM_DEBUG=1 shows the rest)", long3);
    }
}
