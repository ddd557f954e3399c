using SharpCam.Tests.Support;
using SharpCam.Training;

namespace SharpCam.Tests.Training;

public class RunFolderTests
{
    [Fact]
    public void VersionsCountUpFromZeroAfterTheHighestExistingOne()
    {
        using var root = new TempFolder();
        Assert.Equal(0, RunFolder.CreateNext(root.Path, "lenet").Version);
        Assert.Equal(1, RunFolder.CreateNext(root.Path, "lenet").Version);
        Directory.CreateDirectory(Path.Combine(root.Path, "lenet", "version_7"));
        Directory.CreateDirectory(Path.Combine(root.Path, "lenet", "version_x"));
        Directory.CreateDirectory(Path.Combine(root.Path, "lenet", "old_version_99"));
        var run = RunFolder.CreateNext(root.Path, "lenet");
        Assert.Equal((8, Path.Combine(root.Path, "lenet", "version_8")), (run.Version, run.Path));
        Assert.True(Directory.Exists(run.Path));
        Assert.Equal(0, RunFolder.CreateNext(root.Path, "other").Version);
    }

    [Fact]
    public void NamesFilesAsLightningDoes()
    {
        using var root = new TempFolder();
        var run = RunFolder.CreateNext(root.Path, "lenet");
        Assert.Equal(Path.Combine(run.Path, "checkpoints", "epoch=5-step=1548.dat"), run.CheckpointPath(5, 1548));
        Assert.Equal(Path.Combine(run.Path, "checkpoints", "last.dat"), run.LastCheckpointPath);
        Assert.Equal(Path.Combine(run.Path, "metrics.csv"), run.MetricsCsv);
        Assert.Equal(Path.Combine(run.Path, "hparams.yaml"), run.HyperParametersYaml);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void RejectsANameThatIsNotAPlainFolderName(string name)
    {
        using var root = new TempFolder();
        var error = Assert.Throws<ArgumentException>(() => RunFolder.CreateNext(root.Path, name));
        Assert.Contains($"Invalid run name '{name}'", error.Message);
    }
}
