using SharpCam.Cli;
using SharpCam.Reports;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Reports;

/// <summary>`sharpcam report RUN_DIR [--out FILE]` through Spectre.Console.Cli, as the executable wires it.</summary>
[Collection(ReportRunsFixture.Collection)]
public class ReportCommandTests(ReportRunsFixture runs)
{
    private static int Run(params string[] args) => CliApp.Run(args);

    [SharedDataFact]
    public void WritesTheReportWhereAsked()
    {
        var dir = runs.Copy(runs.FailuresDir, "cli");
        Assert.Equal(0, Run("report", dir));
        Assert.True(File.Exists(Path.Combine(dir, HtmlReport.DefaultFileName)));

        var elsewhere = Path.Combine(dir, "out", "mistakes.html");
        Assert.Equal(0, Run("report", dir, "--out", elsewhere));
        Assert.Contains("Most confident mistakes", File.ReadAllText(elsewhere));
    }

    [Fact]
    public void AFolderWithoutManifestFailsWithExitCode1()
    {
        using var temp = new TempFolder();
        Assert.Equal(1, Run("report", temp.Path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }
}
