namespace SharpCam.Tests.Cli.Commands;

[Collection(CliRunner.Collection)]
public class TrainCommandTests(TrainedTinyModel trained)
{
    [Fact]
    public void WritesAVersionedRunFolderWithCheckpointsMetricsAndEvents()
    {
        var run = Path.GetDirectoryName(Path.GetDirectoryName(trained.Checkpoint))!;
        Assert.True(File.Exists(trained.Checkpoint));
        Assert.True(File.Exists(trained.Checkpoint + ".json"));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);   // header + 3 epochs
        Assert.Single(Directory.GetFiles(run, "events.out.tfevents.*"));
        Assert.Contains("Best checkpoint", trained.TrainOutput);
    }

    [Fact]
    public void BadOptionsAreRejectedBeforeAnythingIsWritten()
    {
        var runs = trained.Data.NewOutputPath("bad-runs");
        var (code, output) = CliRunner.Run("train", "--data", trained.Data.Folder, "--epochs", "0", "--runs", runs);
        Assert.Equal(2, code);
        Assert.Contains("epoch", output, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(runs));
    }

    [Fact]
    public void AMissingDataFolderIsNamed()
    {
        var (code, output) = CliRunner.Run("train", "--data", "/nonexistent/mnist", "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/mnist", output);
    }

    /// <summary>An out-of-range value reported by the library reads as an option error, without .NET's "(Parameter …)" wording.</summary>
    [Fact]
    public void AnOutOfRangeValidationSizeNamesTheOptionInPlainWords()
    {
        var (code, output) = CliRunner.Run("train", "--data", trained.Data.Folder, "--val-size", "20000", "--epochs", "1",
            "--runs", trained.Data.NewOutputPath("val-size-runs"));
        Assert.Equal(1, code);
        Assert.Contains($"error: The validation size (--val-size) is 20000; it must be between 0 and the number of training items ({TinyMnist.TrainCount}).", output);
        Assert.DoesNotContain("(Parameter", output);
        Assert.DoesNotContain("Actual value was", output);
    }
}
