using SharpCam.Data;

namespace SharpCam.Tests.Data;

/// <summary>The sample ships in the build output of a project that references the library (this test project's).</summary>
public class BundledDataTests
{
    [Fact]
    public void SampleIsCopiedIntoTheBuildOutputWithItsAttribution()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "data", "mnist-sample"), BundledData.MnistSample);
        foreach (var name in Directory.GetFiles(DataReference.SampleFolder).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(DataReference.SamplePath(name!)), File.ReadAllBytes(Path.Combine(BundledData.MnistSample, name!)));
        Assert.Contains("CC BY-SA 3.0", File.ReadAllText(Path.Combine(BundledData.MnistSample, "SOURCES.md")));
    }

    [Fact]
    public void SampleLoadsFromTheBuildOutput()
    {
        using var train = MnistDataset.Load(BundledData.MnistSample, MnistSplit.Train);
        using var test = MnistDataset.Load(BundledData.MnistSample, MnistSplit.Test);
        Assert.Equal((9000, 1000), (train.Count, test.Count));
        Assert.Equal(MnistVariant.Digits, test.Variant);
    }
}
