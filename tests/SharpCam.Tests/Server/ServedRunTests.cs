using SharpCam.Server;
using SharpCam.Tests.Cli;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Server;

/// <summary>Run folders serve cannot open are refused by name, with what to do instead.</summary>
[Collection(CliRunner.Collection)]
public class ServedRunTests
{
    [Fact]
    public void ARunOfAnOnnxModelIsRefusedNamingTheReportInstead()
    {
        using var folder = new TempFolder();
        var run = Path.Combine(folder.Path, "onnx-run");
        var (code, output) = CliRunner.Run("explain", "--model", RepoPaths.Fixture("onnx/nhwc_handmade.onnx"),
            "--images", Path.Combine(RepoPaths.Root, "samples", "chelsea.png"), "--figures", "none", "--out", run);
        Assert.True(code == 0, output);
        var e = Assert.Throws<NotSupportedException>(() => ServedRun.Open(run, CPU));
        Assert.Contains("a run of an ONNX model (onnx)", e.Message);
        Assert.Contains($"sharpcam report {run}", e.Message);
    }
}
