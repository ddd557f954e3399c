using System.Text.Json;

namespace SharpCam.Tests.Cli.Commands;

[Collection(CliRunner.Collection)]
public class TestCommandTests(TrainedTinyModel trained)
{
    [Fact]
    public void JsonPrintsOnlyLossAccuracyAndCount()
    {
        var (code, output) = CliRunner.Run("test", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(TinyMnist.TestCount, json.RootElement.GetProperty("n").GetInt32());
        Assert.InRange(json.RootElement.GetProperty("test_acc").GetDouble(), 0.5, 1.0);   // 3 epochs on 2,000 digits: far above chance (0.1)
        Assert.True(json.RootElement.GetProperty("test_loss").GetDouble() > 0);
    }

    [Fact]
    public void TablesAndTheConfusionMatrixFigure()
    {
        var outDir = trained.Data.NewOutputPath("test-figures");
        var (code, output) = CliRunner.Run("test", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder, "--out", outDir);
        Assert.Equal(0, code);
        Assert.Contains("confusion matrix", output);
        Assert.True(new FileInfo(Path.Combine(outDir, "confusion_matrix.png")).Length > 1000);
    }

    [Fact]
    public void AWrongCheckpointSaysWhatIsWrong()
    {
        var bogus = trained.Data.NewOutputPath("bogus.pth");
        Directory.CreateDirectory(Path.GetDirectoryName(bogus)!);
        File.WriteAllText(bogus, "not a checkpoint");
        var (code, output) = CliRunner.Run("test", "--checkpoint", bogus, "--data", trained.Data.Folder);
        Assert.Equal(1, code);
        Assert.Contains("bogus.pth", output);

        (code, output) = CliRunner.Run("test", "--checkpoint", "/nonexistent/last.dat", "--data", trained.Data.Folder);
        Assert.Equal(1, code);
        Assert.Contains("not found", output);
    }
}
