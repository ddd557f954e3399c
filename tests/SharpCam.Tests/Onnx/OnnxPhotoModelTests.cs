using SharpCam.IO;
using SharpCam.Onnx;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Onnx;

/// <summary>What a run needs to know of an ONNX photo model, read from real graphs: input size, class scores, default layer, hash.</summary>
public class OnnxPhotoModelTests
{
    private static readonly string Handmade = RepoPaths.Fixture("onnx/nhwc_handmade.onnx");

    [Fact]
    public void The_graphs_fixed_nhwc_input_size_drives_preprocessing()
    {
        using var model = OnnxPhotoModel.Load(Handmade);
        Assert.Equal(32, model.Preprocessing.Size);
        Assert.Equal(3, model.Preprocessing.Channels);
        Assert.Equal(new long[] { 1, 3, 32, 32 }, model.InputShape);     // NCHW, although the graph takes NHWC
        Assert.True(model.HasClassScores);
        Assert.Equal(5, model.NumClasses);
        Assert.Equal("relu2", model.DefaultLayer);
        Assert.Equal(FileHash.Of(Handmade), model.Summary().WeightsHash);
    }

    [Fact]
    public void An_input_size_that_contradicts_the_graph_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxPhotoModel.Load(Handmade, inputSize: 64));
        Assert.Contains("takes 32×32 images only", e.Message);
    }

    [Fact]
    public void The_hash_covers_external_weights()
    {
        using var folder = new TempFolder();
        var path = OnnxFixtures.Prepare("vgg11_op11", folder);
        string hash;
        using (var model = OnnxPhotoModel.Load(path)) hash = model.WeightsHash;
        Assert.Equal(FileHash.Of(path, Path.ChangeExtension(path, ".weights")), hash);
        Assert.NotEqual(FileHash.Of(path), hash);
    }

    [Fact]
    public void The_featurizer_has_no_class_scores_and_its_own_preprocessing()
    {
        using var model = OnnxPhotoModel.Featurizer();
        Assert.False(model.HasClassScores);
        Assert.Equal(TrainedFeaturizer.DefaultLayer, model.DefaultLayer);
        Assert.Same(TrainedFeaturizer.Preprocessing, model.Preprocessing);
        Assert.Contains("has no class scores", model.NoClassScores("--class 3"));
    }
}
