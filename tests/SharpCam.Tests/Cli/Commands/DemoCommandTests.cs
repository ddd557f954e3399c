using SharpCam.Explanation;

namespace SharpCam.Tests.Cli.Commands;

[Collection(CliRunner.Collection)]
public class DemoCommandTests(TrainedTinyModel trained)
{
    [Fact]
    public void RunsTheWholeNotebookIntoOneFolderWithAReport()
    {
        var outDir = trained.Data.NewOutputPath("demo");
        var (code, output) = CliRunner.Run("demo", "--data", trained.Data.Folder, "--epochs", "1", "--out", outDir);
        Assert.Equal(0, code);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal(16, manifest.Items.Count);
        Assert.NotNull(manifest.Evaluation);
        Assert.NotNull(manifest.Failures);
        Assert.StartsWith(outDir, manifest.Model.Checkpoint);                         // the final path, not the staging one
        Assert.True(File.Exists(manifest.Model.Checkpoint));
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.Contains(Path.Combine(outDir, "report.html"), output);
    }
}
