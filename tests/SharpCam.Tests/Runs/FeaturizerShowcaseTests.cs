using SharpCam.Data;
using SharpCam.IO;
using SharpCam.Onnx;
using SharpCam.Runs;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Runs;

/// <summary>The demo's photo section from C#: the trained featurizer on the bundled sample photos.</summary>
public class FeaturizerShowcaseTests
{
    [Fact]
    public void EigenCamOfEveryPhotoAndASimilarityMapThatFindsTheShuttleBehindTheAstronaut()
    {
        using var folder = new TempFolder();
        using var featurizer = OnnxPhotoModel.Featurizer();
        var samples = BundledData.SamplePhotos;
        var section = FeaturizerShowcase.Run(featurizer, samples, Path.Combine(samples, "astronaut.png"), Path.Combine(samples, "rocket.jpg"), folder.Path)!;
        Assert.Equal(4, section.Runs[0].Items.Count);
        Assert.All(section.Runs.SelectMany(r => r.Items), item =>
        {
            Assert.StartsWith($"{FeaturizerShowcase.Folder}/", item.Map);
            Assert.True(File.Exists(Path.Combine(folder.Path, item.Figures!.Panels!)));
        });
        // The astronaut photo has the space shuttle at its right edge: what makes it look like the rocket is there.
        using var map = Npy.Load(Path.Combine(folder.Path, section.Runs[1].Items.Single().Map!));
        var peakColumn = map.argmax().item<long>() % map.shape[1];
        Assert.True(peakColumn >= map.shape[1] / 2 + 1, $"the similarity map peaks in column {peakColumn} of {map.shape[1]}, not on the shuttle");
    }
}
