using SharpCam.Metrics;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Metrics;

/// <summary>SSIM against scikit-image 0.19's structural_similarity(a, b, data_range=1) with its defaults (similarity.npz).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class StructuralSimilarityTests
{
    [Fact]
    public void MatchesScikitImageOnFloat64Maps()
    {
        var reference = MetricsFixture.Reference("similarity.npz");
        var expected = MetricsFixture.Doubles(reference["ssim_f64bits"]);
        var float32Input = MetricsFixture.Doubles(reference["ssim_float32_input_f64bits"]);
        for (int i = 0; i < 7; i++)
        {
            var ssim = StructuralSimilarity.Compute(MetricsFixture.Floats(reference[$"pair{i}_a"]), MetricsFixture.Floats(reference[$"pair{i}_b"]), 28, 28);
            // Same float64 formula; only the box filter's summation order differs.
            Assert.True(Math.Abs(expected[i] - ssim) < 1e-12, $"pair {i}: {ssim} vs scikit-image {expected[i]}");
            // scikit-image computes float32 maps in float32: within 2e-7 of ours.
            Assert.True(Math.Abs(float32Input[i] - ssim) < 1e-6, $"pair {i}: {ssim} vs scikit-image on float32 {float32Input[i]}");
        }
    }

    [SharedDataFact]
    public void MatchesScikitImageOn224Maps()
    {
        var expected = MetricsFixture.Doubles(MetricsFixture.Reference("similarity.npz")["ssim_f64bits"]);
        var setB = MetricsFixture.SetB();
        Assert.Equal(expected[7], StructuralSimilarity.Compute(MetricsFixture.Floats(setB["GradCAM"][0]), MetricsFixture.Floats(setB["ScoreCAM"][0]), 224, 224), 1e-12);
        Assert.Equal(expected[8], StructuralSimilarity.Compute(MetricsFixture.Floats(setB["GradCAM"][1]), MetricsFixture.Floats(setB["AblationCAM"][1]), 224, 224), 1e-12);
    }

    [Fact]
    public void IdenticalImagesScoreOneAndTinyImagesAreRejected()
    {
        var image = Enumerable.Range(0, 100).Select(i => (float)Math.Sin(i)).ToArray();
        Assert.Equal(1.0, StructuralSimilarity.Compute(image, image, 10, 10), 1e-12);
        Assert.Contains("7×7", Assert.Throws<ArgumentException>(() => StructuralSimilarity.Compute(new float[36], new float[36], 6, 6)).Message);
    }
}
