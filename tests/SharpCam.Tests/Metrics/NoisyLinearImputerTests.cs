using System.Diagnostics;
using SharpCam.Metrics;
using SharpCam.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

/// <summary>ROAD's linear imputation: the sparse solve against scipy's SuperLU, the equations themselves, and the noise.</summary>
[Collection(GlobalTorchRandom.Name)]
[Trait(TestCategory.Name, TestCategory.Parity)]
public class NoisyLinearImputerTests(ITestOutputHelper output)
{
    [SharedDataTheory]
    [InlineData("morf50")]   // imputes 50%
    [InlineData("lerf20")]   // imputes 80%
    public void ImputesA224ImageLikeScipySpsolve(string name)
    {
        // Set B's first input (3×224×224, values up to ±4.9) and its Grad-CAM map; references from scipy (road_224.npz).
        using var scope = NewDisposeScope();
        var setB = MetricsFixture.SetB();
        var reference = MetricsFixture.Reference("road_224.npz");
        var map = setB["GradCAM"][0];
        using var imputer = new NoisyLinearImputer(noise: 0);
        RoadMetric metric = name == "morf50" ? new RoadMostRelevantFirst(50, imputer) : new RoadLeastRelevantFirst(20, imputer);
        var keep = metric.KeepMask(map);
        Assert.Equal(MetricsFixture.Flags(reference[$"{name}_keepmask_bits"], keep.Length), keep);

        var clock = Stopwatch.StartNew();
        var values = MetricsFixture.Floats(imputer.Impute(setB["inputs"][0], keep));
        var elapsed = clock.ElapsedMilliseconds;

        // Both solve in float64 far below float32 resolution: at most one float32 ulp apart (5e-7 at |x| ≈ 4.9).
        var expected = MetricsFixture.Floats(reference[$"{name}_values"]);
        var worst = reference["positions"].data<long>().ToArray().Select((p, k) => Math.Abs(values[p] - expected[k])).Max();
        output.WriteLine($"{name}: {keep.Count(k => !k)} imputed pixels × 3 channels in {elapsed} ms, largest difference from scipy {worst:G3}");
        Assert.True(worst <= 5e-7, $"{name}: imputed values differ from scipy's by up to {worst:G3}");
        Assert.Equal(MetricsFixture.Doubles(reference[$"{name}_sum_f64bits"])[0], values.Sum(v => (double)v), 1e-3);   // 150,528 values
    }

    public static TheoryData<string> Masks => new() { "band and random", "checkerboard", "one known pixel", "one imputed pixel" };

    [Theory]
    [MemberData(nameof(Masks))]
    public void ImputedPixelsSatisfyTheirEquations(string mask)
    {
        // Independent of any reference: every imputed pixel equals the weighted sum of its neighbours (1/6 edge,
        // 1/12 diagonal, out-of-image neighbours dropped, no renormalisation), up to float32 rounding of the result.
        // The masks cover the solver's paths: a multigrid hierarchy, scattered unknowns that do not coarsen, a nearly
        // singular system (one known pixel in a corner) and a trivial one.
        using var scope = NewDisposeScope();
        const int size = 48;
        var random = new Random(3);
        using var generator = new Generator(3);
        var image = rand(new long[] { 2, size, size }, generator: generator);
        var keep = Enumerable.Range(0, size * size).Select(i => mask switch
        {
            "band and random" => i / size is <= 20 or >= 30 && random.NextDouble() < 0.3,
            "checkerboard" => (i / size + i % size) % 2 == 0,
            "one known pixel" => i == 0,
            _ => i != size * size / 2 + 7,
        }).ToArray();
        using var imputer = new NoisyLinearImputer(noise: 0);
        var result = MetricsFixture.Floats(imputer.Impute(image, keep));
        var original = MetricsFixture.Floats(image);
        Assert.Equal(original.Where((_, i) => keep[i % (size * size)]), result.Where((_, i) => keep[i % (size * size)]));

        double worst = 0;
        for (int c = 0; c < 2; c++)
        for (int r = 0; r < size; r++)
        for (int col = 0; col < size; col++)
        {
            if (keep[r * size + col]) continue;
            double weights = 0, neighbours = 0;
            for (int dr = -1; dr <= 1; dr++)
            for (int dc = -1; dc <= 1; dc++)
            {
                if ((dr, dc) == (0, 0) || r + dr < 0 || r + dr >= size || col + dc < 0 || col + dc >= size) continue;
                double w = dr == 0 || dc == 0 ? 1.0 / 6 : 1.0 / 12;
                weights += w;
                neighbours += w * result[c * size * size + (r + dr) * size + col + dc];
            }
            worst = Math.Max(worst, Math.Abs(weights * result[c * size * size + r * size + col] - neighbours));
        }
        Assert.True(worst < 1e-6, $"{mask}: largest equation residual {worst:G3}");
    }

    [Fact]
    public void SeededNoiseIsReproducibleAndHasTheRequestedScale()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var image = rand(new long[] { 1, 28, 28 }, generator: generator);
        var keep = Enumerable.Range(0, 784).Select(i => i % 3 == 0).ToArray();   // 522 imputed pixels
        float[] Impute(double noise, long? seed)
        {
            using var imputer = new NoisyLinearImputer(noise, seed);
            return MetricsFixture.Floats(imputer.Impute(image, keep));
        }

        var clean = Impute(0, null);
        Assert.Equal(Impute(0.01, 7), Impute(0.01, 7));
        Assert.NotEqual(Impute(0.01, 7), Impute(0.01, 8));
        var noise = Impute(0.01, 7).Select((v, i) => (double)v - clean[i]).Where((_, i) => !keep[i]).ToArray();
        var std = Math.Sqrt(noise.Average(d => d * d));
        Assert.InRange(std, 0.0085, 0.0115);   // 522 draws of N(0, 0.01²): the estimate's sd is 0.0003
    }

    [Fact]
    public void WithoutASeedTheNoiseFollowsTorchManualSeed()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var image = rand(new long[] { 1, 28, 28 }, generator: generator);
        var keep = Enumerable.Range(0, 784).Select(i => i % 2 == 0).ToArray();
        using var global = new NoisyLinearImputer(0.01);
        using var seeded = new NoisyLinearImputer(0.01, seed: 11);
        manual_seed(11);
        var fromGlobal = MetricsFixture.Floats(global.Impute(image, keep));
        Assert.Equal(MetricsFixture.Floats(seeded.Impute(image, keep)), fromGlobal);

        // Noise 0 draws nothing, so it leaves the global generator where it was.
        using var noiseless = new NoisyLinearImputer(0);
        manual_seed(5);
        noiseless.Impute(image, keep);
        var next = randn(4).data<float>().ToArray();
        manual_seed(5);
        Assert.Equal(randn(4).data<float>().ToArray(), next);
    }

    [Fact]
    public void NothingKnownGivesZerosAndNothingImputedGivesTheImage()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        var image = rand(new long[] { 3, 10, 12 }, generator: generator);
        using var imputer = new NoisyLinearImputer(0);
        Assert.All(MetricsFixture.Floats(imputer.Impute(image, new bool[120])), v => Assert.Equal(0f, v));
        Assert.Equal(MetricsFixture.Floats(image), MetricsFixture.Floats(imputer.Impute(image, Enumerable.Repeat(true, 120).ToArray())));
    }

    [Fact]
    public void RejectsNegativeNoiseAndMisshapenMasks()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoisyLinearImputer(-0.1));
        using var imputer = new NoisyLinearImputer(0);
        using var image = zeros(1, 4, 4);
        Assert.Throws<ArgumentException>(() => imputer.Impute(image, new bool[15]));
    }
}
