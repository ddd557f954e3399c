using SharpCam.Cam;
using SharpCam.Metrics;
using SharpCam.Models;
using SharpCam.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Metrics;

/// <summary>Cascading randomisation (Adebayo et al., 2018) on the fixture LeNet, trained on Fashion-MNIST.</summary>
public class SanityCheckTests(ITestOutputHelper output)
{
    private static readonly string[] LeNetLayersFromTheLogits = { "fc.4", "fc.2", "fc.0", "conv.3", "conv.0" };

    private static SanityCheckResult Run(Module<Tensor, Tensor> model, Func<Module<Tensor, Tensor>, CamMethod> method,
                                         long seed = 0, IProgress<ProgressUpdate>? progress = null) =>
        SanityCheck.Run(model, () => new LeNet(), method, LeNetFixture.Cams()["images"], null, new SanityCheckOptions { Seed = seed }, progress);

    private void Print(SanityCheckResult result)
    {
        foreach (var step in result.Steps)
            output.WriteLine($"{step.Layer,-7} mean ρ {step.MeanSpearman:F3} |ρ| {step.MeanAbsoluteSpearman:F3} SSIM {step.MeanSsim:F3}  ρ: {string.Join(" ", step.Spearman.Select(r => r.ToString("F2")))}");
        output.WriteLine(result.Summary);
    }

    [SharedDataTheory]
    [InlineData(0L)]
    [InlineData(1L)]
    public void GradCamLosesItsCorrelationAsTheWeightsAreRandomised(long seed)
    {
        // Seed 0 goes (mean |ρ| per step) 0.54 0.17 0.51 0.19 0.17, seed 1 0.20 0.38 0.35 0.23 0.19; seeds 0-7 all end
        // at or below 0.19. Many fully randomised Grad-CAM maps are all zero (every contribution negative before the ReLU).
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var result = Run(model, m => new GradCam(m, new[] { LeNet.DefaultTargetLayer }), seed);
        Print(result);

        Assert.Equal(LeNetLayersFromTheLogits, result.Steps.Select(s => s.Layer));
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, result.Steps.Select(s => s.RandomizedLayers));
        Assert.Equal(LeNetFixture.Cams()["pred"].data<long>().Select(c => (int?)c), result.Targets.Select(t => t.ClassIndex));
        Assert.True(result.FinalMeanAbsoluteSpearman < 0.3, result.Summary);
        Assert.True(result.FinalMeanAbsoluteSpearman < result.Steps[0].MeanAbsoluteSpearman, "the correlation should fall from the first step to the last");
        Assert.Equal(SanityVerdict.Passes, result.Verdict);
        Assert.StartsWith("passes: maps depend on the weights", result.Summary);
    }

    [SharedDataFact]
    public void AMapThatIgnoresTheWeightsGetsAWarning()
    {
        // The input's own brightness, pooled to the layer's grid: an "edge detector" that explains nothing the model learned.
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var result = Run(model, m => new InputBrightnessCam(m));
        Print(result);

        Assert.All(result.Steps, step => Assert.All(step.Spearman, r => Assert.Equal(1.0, r, 1e-12)));
        Assert.All(result.Steps, step => Assert.All(step.Ssim, s => Assert.Equal(1.0, s, 1e-12)));
        Assert.Equal(SanityVerdict.Warning, result.Verdict);
        Assert.StartsWith("warning: maps barely change under randomisation", result.Summary);
    }

    [SharedDataFact]
    public void TheCallersModelIsLeftBitForBitUnchanged()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var requiresGrad = model.parameters().Select(p => p.requires_grad).ToList();

        Run(model, m => new GradCam(m, new[] { LeNet.DefaultTargetLayer }));

        Assert.All(model.state_dict(), kv => Assert.True(kv.Value.bytes.SequenceEqual(before[kv.Key].bytes), $"{kv.Key} changed"));
        Assert.Equal(requiresGrad, model.parameters().Select(p => p.requires_grad));
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.False(model.training);
    }

    [SharedDataFact]
    public void TheSameSeedRepeatsTheRunAndAnotherSeedDoesNot()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var progress = new ProgressLog();
        var first = Run(model, m => new GradCam(m, new[] { LeNet.DefaultTargetLayer }), seed: 4, progress);
        var again = Run(model, m => new GradCam(m, new[] { LeNet.DefaultTargetLayer }), seed: 4);
        var other = Run(model, m => new GradCam(m, new[] { LeNet.DefaultTargetLayer }), seed: 5);

        // Not required bit-equal: two same-seed forwards may take different kernels (oneDNN picks by shape and threads)
        // and differ in the last float32 bits (~1e-6 relative). That can only swap the ranks of near-equal pixels: one
        // adjacent swap moves Spearman's rho by 12 / (n(n^2 - 1)), under 1e-4 for maps of 49 or more pixels, and SSIM
        // moves by about the maps' relative change; 1e-3 allows ten such swaps. Another seed differs by far more.
        const double Tolerance = 1e-3;
        static double[] Scores(SanityCheckResult r) => r.Steps.SelectMany(s => s.Spearman.Concat(s.Ssim)).ToArray();
        var (a, b, c) = (Scores(first), Scores(again), Scores(other));
        Assert.Equal(a.Length, b.Length);
        // NaN (a constant map has no rank correlation) must come out NaN both times.
        Assert.All(a.Zip(b), pair => Assert.True(double.IsNaN(pair.First) ? double.IsNaN(pair.Second) : Math.Abs(pair.First - pair.Second) <= Tolerance,
                                                 $"same seed: {pair.First} vs {pair.Second}"));
        Assert.True(a.Zip(c).Where(pair => !double.IsNaN(pair.First) && !double.IsNaN(pair.Second)).Max(pair => Math.Abs(pair.First - pair.Second)) > 10 * Tolerance,
                    "another seed gave the same scores");
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, progress.Reports.Select(r => r.Done));
        Assert.All(progress.Reports, r => Assert.Equal(6, r.Total));
    }

    [SharedDataFact]
    public void RejectsAFactoryThatBuildsAnotherArchitecture()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var error = Assert.Throws<ArgumentException>(() => SanityCheck.Run(model, () => new LeNet(numClasses: 5),
            m => new GradCam(m, new[] { LeNet.DefaultTargetLayer }), LeNetFixture.Cams()["images"]));
        Assert.Contains("different architecture", error.Message);
    }

    [Fact]
    public void ParametersOfTheModelItselfAreTheLastLayerRandomisedNamedModel()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var model = new ScaledConv();
        var result = SanityCheck.Run(model, () => new ScaledConv(), m => new GradCam(m, new[] { "conv" }), rand(2, 1, 8, 8));
        Assert.Equal(new[] { "conv", "(model)" }, result.Steps.Select(s => s.Layer));
    }

    /// <summary>A convolution whose pooled channels are scaled by a parameter that the model owns directly.</summary>
    private sealed class ScaledConv : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> conv = Conv2d(1, 4, 3);
        private readonly TorchSharp.Modules.Parameter scale = Parameter(rand(4) + 0.5);

        public ScaledConv() : base(nameof(ScaledConv)) => RegisterComponents();

        public override Tensor forward(Tensor input) => conv.call(input).mean(new long[] { 2, 3 }) * scale;
    }
}
