using SharpCam.Explanation;
using SharpCam.IO;

namespace SharpCam.Tests.Cli.Commands;

[Collection(CliRunner.Collection)]
public class FailuresCommandTests(TrainedTinyModel trained)
{
    [Fact]
    public void ExplainsEveryMistakeMostConfidentFirstWithBothMaps()
    {
        var outDir = trained.Data.NewOutputPath("failures");
        var (code, _) = CliRunner.Run("failures", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder, "--out", outDir);
        Assert.Equal(0, code);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal(RunKind.Failures, manifest.Kind);
        var evaluation = manifest.Evaluation!;
        var mistakes = evaluation.Confusion!.SelectMany((row, t) => row.Where((_, p) => p != t)).Sum();
        Assert.True(mistakes > 0, "a model trained 3 epochs on 2,000 digits makes mistakes on 200 test digits");
        Assert.Equal(mistakes, manifest.Items.Count);
        Assert.All(manifest.Items, i => Assert.NotEqual(i.TrueLabel, i.PredictedLabel));
        Assert.Equal(manifest.Items.Select(i => i.Confidence).OrderByDescending(c => c), manifest.Items.Select(i => i.Confidence));
        foreach (var item in manifest.Items)
        {
            using var predicted = Npy.Load(Path.Combine(outDir, item.Maps!.Predicted!));
            using var truth = Npy.Load(Path.Combine(outDir, item.Maps.True!));
            Assert.True((predicted - truth).abs().max().item<float>() > 0, $"{item.Id}: the two maps explain different classes");
            Assert.True(File.Exists(Path.Combine(outDir, item.Figures!.Compare!)));
        }
    }
}

[Collection(CliRunner.Collection)]
public class PhotoFailuresCliTests(TrainedTinyModel trained)
{
    private string ImageFolder() =>
        SampleImageFolder(trained, "imagefolder", ("tabby", "chelsea.png"), ("espresso", "coffee.png"), ("space_shuttle", "rocket.jpg"));

    /// <summary>An ImageFolder tree, ROOT/&lt;class&gt;/&lt;photo&gt;, of sample photos.</summary>
    internal static string SampleImageFolder(TrainedTinyModel trained, string name, params (string Label, string Photo)[] photos)
    {
        var root = trained.Data.NewOutputPath($"{name}-" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var (label, photo) in photos)
        {
            Directory.CreateDirectory(Path.Combine(root, label));
            File.Copy(Path.Combine(Support.RepoPaths.Root, "samples", photo), Path.Combine(root, label, photo));
        }
        return root;
    }

    /// <summary>An ImageFolder of real photos; the random-init ResNet-18 gets all three wrong, and each is explained twice.</summary>
    [Support.SharedDataFact]
    public void ExplainsTheMistakesInAnImageFolder()
    {
        var outDir = trained.Data.NewOutputPath("photo-failures");
        var (code, output) = CliRunner.Run("failures", "--model", "resnet18",
            "--weights", Support.SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"), "--images", ImageFolder(), "--out", outDir);
        Assert.True(code == 0, output);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal(["espresso", "space shuttle", "tabby"], manifest.Items.Select(i => i.TrueName).Order());
        Assert.Equal(manifest.Items.Select(i => i.Confidence).OrderByDescending(c => c), manifest.Items.Select(i => i.Confidence));
        Assert.All(manifest.Items, i => Assert.True(File.Exists(Path.Combine(outDir, i.Figures!.Compare!))));
        Assert.Equal(0.0, manifest.Evaluation!.TestAcc);
    }

    [Support.SharedDataFact]
    public void PhotosWithoutClassFoldersAreRefusedWithTheLayoutToUse()
    {
        var (code, output) = CliRunner.Run("failures", "--model", "resnet18",
            "--weights", Support.SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"),
            "--images", Path.Combine(Support.RepoPaths.Root, "samples", "chelsea.png"), "--out", trained.Data.NewOutputPath("unlabelled"));
        Assert.Equal(1, code);
        Assert.Contains("ImageFolder", output);
    }
}

/// <summary>failures on ONNX models: a classifier's mistakes in an ImageFolder tree; a model without class scores refused.</summary>
[Collection(CliRunner.Collection)]
public class OnnxFailuresCliTests(TrainedTinyModel trained)
{
    /// <summary>An ImageFolder tree whose folders are class indices of the hand-made 5-class graph.</summary>
    private string ImageFolder() => PhotoFailuresCliTests.SampleImageFolder(trained, "onnx-imagefolder",
        ("0", "chelsea.png"), ("1", "coffee.png"), ("2", "rocket.jpg"), ("3", "astronaut.png"));

    [Fact]
    public void AnOnnxClassifiersMistakesAreExplainedForBothClasses()
    {
        var outDir = trained.Data.NewOutputPath("onnx-failures");
        var (code, output) = CliRunner.Run("failures", "--model", Support.RepoPaths.Fixture("onnx/nhwc_handmade.onnx"), "--images", ImageFolder(),
            "--out", outDir);
        Assert.True(code == 0, output);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal(4, manifest.Evaluation!.N);
        Assert.Equal(4 - manifest.Items.Count, (int)Math.Round(manifest.Evaluation.TestAcc!.Value * 4));
        Assert.All(manifest.Items, i =>
        {
            Assert.NotEqual(i.TrueLabel, i.PredictedLabel);
            Assert.True(File.Exists(Path.Combine(outDir, i.Maps!.True!)));
        });
    }

    [Fact]
    public void TheFeaturizerHasNoMistakesToAnalyseAndSaysWhatToDoInstead()
    {
        var outDir = trained.Data.NewOutputPath("featurizer-failures");
        var (code, output) = CliRunner.Run("failures", "--images", ImageFolder(), "--out", outDir);
        Assert.Equal(1, code);
        var line = CliRunner.OneLine(output);
        Assert.Contains("failures (it analyses a classifier's mistakes): the trained featurizer has no class scores", line);
        Assert.Contains("sharpcam explain --method eigencam", line);
        Assert.DoesNotContain("   at ", output);
        Assert.False(Directory.Exists(outDir));
    }
}
