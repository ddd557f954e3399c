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
        Assert.Equal(["drop_in_confidence", "increase_in_confidence", "road_combined", "deletion_auc", "insertion_auc"],
                     manifest.Metrics!.Select(m => m.Name));
        Assert.All(manifest.Metrics!, m => Assert.Equal(16, m.Values.Count));
        Assert.Equal(["gradcam", "guided-backprop"], manifest.Sanity!.Methods.Select(m => m.Method));
        Assert.Equal(["fc.4", "fc.2", "fc.0", "conv.3", "conv.0"], manifest.Sanity.Methods[0].Steps.Select(s => s.Layer));
        Assert.True(File.Exists(Path.Combine(outDir, manifest.Sanity.Figure!)));
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.Contains(Path.Combine(outDir, "report.html"), output);

        // The trained featurizer's photo section: Eigen-CAM of the four sample photos and one similarity map, in the report.
        var photos = manifest.Photos!;
        Assert.Equal(SharpCam.Onnx.OnnxPhotoModel.FeaturizerArchitecture, photos.Model.Architecture);
        Assert.Equal(["eigencam", "gradcam"], photos.Runs.Select(r => r.Method));
        Assert.Equal(["0000-astronaut", "0001-chelsea", "0002-coffee", "0003-rocket"], photos.Runs[0].Items.Select(i => i.Id));
        var similar = photos.Runs[1].Items.Single();
        Assert.Equal("astronaut-like-rocket", similar.Id);
        Assert.Contains("rocket.jpg", similar.Target);
        var report = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("<section id=\"photos\"", report);
        foreach (var item in photos.Runs.SelectMany(r => r.Items))
        {
            Assert.True(File.Exists(Path.Combine(outDir, item.Figures!.Panels!)), item.Figures.Panels);
            Assert.True(File.Exists(Path.Combine(outDir, item.Map!)), item.Map);
            Assert.Contains($"Enlarge: {item.Id}: image, heatmap and overlay", report);
        }
    }
}
