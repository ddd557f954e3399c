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

    [Fact]
    public void DigitsOfAnotherSizeAreRefusedBeforeLibtorchSeesThem()
    {
        var folder = trained.Data.NewOutputPath("digits-32");
        Directory.CreateDirectory(folder);
        TinyMnist.Write(Path.Combine(folder, SharpCam.Data.MnistFiles.ImagesName(SharpCam.Data.MnistSplit.Test)), SharpCam.Data.IdxFile.ImageMagic,
                        [20, 32, 32], new byte[20 * 32 * 32]);
        TinyMnist.Write(Path.Combine(folder, SharpCam.Data.MnistFiles.LabelsName(SharpCam.Data.MnistSplit.Test)), SharpCam.Data.IdxFile.LabelMagic,
                        [20], new byte[20]);
        var (code, output) = CliRunner.Run("test", "--checkpoint", trained.Checkpoint, "--data", folder);
        Assert.Equal(1, code);
        var error = output[output.IndexOf("error: ", StringComparison.Ordinal)..].TrimEnd();
        Assert.Contains("LeNet takes grey 28×28 digits, a batch of shape [N, 1, 28, 28]; it was given [20, 1, 32, 32]", error);
        Assert.DoesNotContain("mat1 and mat2", error);
        Assert.Single(error.Split('\n'));
    }

    /// <summary>Finite weights so large that the logits overflow to infinity: the loss is NaN, which JSON cannot hold.</summary>
    [Fact]
    public void JsonWritesNullForALossThatIsNotANumber()
    {
        var path = trained.Data.NewOutputPath("overflowing.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            var tensors = SharpCam.Checkpoints.CheckpointLoader.Load(trained.Checkpoint).Tensors.ToDictionary();
            tensors["fc.4.weight"] = TorchSharp.torch.full_like(tensors["fc.4.weight"], 3e38f);
            SharpCam.Checkpoints.SafetensorsFile.Save(tensors, path);
        }
        var (code, output) = CliRunner.Run("test", "--checkpoint", path, "--data", trained.Data.Folder, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("test_loss").ValueKind);
        Assert.Equal(TinyMnist.TestCount, json.RootElement.GetProperty("n").GetInt32());
    }
}
