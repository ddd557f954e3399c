using SharpCam.Cli.Terminal;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Cli.Terminal;

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

    /// <summary>The short message by default; SHARPCAM_DEBUG=1 adds the exception with its stack trace.</summary>
    [Fact]
    public void DebugModeStillShowsTheStackTrace()
    {
        string[] args = ["test", "--checkpoint", RepoPaths.Fixture("hostile/strides_overflow.pth")];
        var plain = CliProcess.Run(args);
        var debug = CliProcess.Run(args, environment: new Dictionary<string, string> { ["SHARPCAM_DEBUG"] = "1" });
        Assert.Equal((1, 1), (plain.ExitCode, debug.ExitCode));
        Assert.Single(plain.Stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("StorageViews", plain.Stderr);
        Assert.Contains("overflows 64-bit arithmetic", debug.Stderr);
        Assert.Contains("StorageViews", debug.Stderr);
    }
}
