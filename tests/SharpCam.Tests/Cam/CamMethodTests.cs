using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>The shared pipeline: aug-smooth, the two normalisations, options checks, progress.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class CamMethodTests
{
    [SharedDataFact]
    public void AugSmoothMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var cam = new GradCam(model, new[] { "conv.4" }, CamFixtures.Parity with { AugSmooth = true });
        foreach (var (set, f, suffix, classes) in CamFixtures.LeNetCases())
        {
            using var result = cam.Explain(f["images"], CamFixtures.ClassTargets(classes));
            // The mean of six normalised Grad-CAM maps (flips and ±10% brightness of the same images) is within the largest
            // of their errors; the copies are taken to be conditioned like the originals (Grad-CAM's κ).
            TensorAssert.Close(f["GradCAM_augsmooth_" + suffix], result.Maps, CamFixtures.LeNetMapTolerance("gradcam"), $"GradCAM_augsmooth_{suffix} on set {set}");
        }
    }

    /// <summary>
    /// SharpCam's default divides by the maximum (the notebook's) where pytorch-grad-cam subtracts the minimum first:
    /// per layer ReLU → ÷ max → upsample, then ÷ max again. Checked from the reference's raw map (GradCAM_raw_pred).
    /// </summary>
    [SharedDataFact]
    public void DivideByMaxFollowsTheNotebooksFormula()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var notebook = new GradCam(model, new[] { "conv.4" }).Explain(f["images"]);
        var layer = f["GradCAM_raw_pred"].relu();
        layer = layer / layer.amax(new long[] { 1, 2 }, keepdim: true);
        var up = TorchSharp.torch.nn.functional.interpolate(layer.unsqueeze(1), new long[] { 28, 28 },
            mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        // The notebook upsamples the divide-by-max map and does not rescale it (NotebookGradCamTests checks this
        // against the notebook's own code for all 10 classes).
        // Divided by its maximum, which is at least the range: Grad-CAM's min-max κ bounds it.
        TensorAssert.Close(up, notebook.Maps, CamFixtures.LeNetMapTolerance("gradcam"), "divide-by-max maps");
        // Not min-max: pytorch-grad-cam shifts each map's floor to 0 and rescales after upsampling.
        Assert.True((notebook.Maps - f["GradCAM_pred"]).abs().max().item<float>() > 0.01f);
    }

    [SharedDataFact]
    public void ScoreCamReportsItsForwards()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        var reports = new List<ProgressUpdate>();
        var progress = new SynchronousProgress(reports.Add);
        using (new ScoreCam(model, new[] { "conv.4" }, new CamOptions { BatchSize = 48 }).Explain(f["images"], null, progress)) { }
        // 8 images × 16 channels in batches of 48 → 3 forwards.
        Assert.Equal(new long[] { 48, 96, 128 }, reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(128, r.Total));
    }

    [Fact]
    public void BadOptionsAreRefusedClearly()
    {
        using var model = new SharpCam.Models.LeNet();
        Assert.Contains("BatchSize", Assert.Throws<ArgumentException>(() => new ScoreCam(model, new[] { "conv.4" }, new CamOptions { BatchSize = 0 })).Message);
        Assert.Contains("TopChannels", Assert.Throws<ArgumentException>(() => new ScoreCam(model, new[] { "conv.4" }, new CamOptions { TopChannels = 0 })).Message);
        Assert.Contains("target layer", Assert.Throws<ArgumentException>(() => new GradCam(model, Array.Empty<string>())).Message);
        Assert.Contains("EigenSmooth", Assert.Throws<NotSupportedException>(() =>
            new FullGrad(model, new CamOptions { EigenSmooth = true }).Explain(zeros(1, 1, 28, 28))).Message);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order, now.</summary>
    private sealed class SynchronousProgress(Action<ProgressUpdate> report) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => report(value);
    }
}
