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
