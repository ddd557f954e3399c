using SharpCam.Cam;
using SharpCam.Layers;
using SharpCam.Onnx;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Onnx;

/// <summary>The NuGet featurizer rebuilt, against ONNX Runtime running the package's two graphs, on the sample photos.</summary>
public class TrainedFeaturizerTests
{
    public static readonly string[] Photos = ["chelsea", "coffee", "astronaut", "rocket"];

    /// <summary>A sample photo as make_photo_fixtures.py resized it: RGB on 0–255, [1, 3, 224, 224].</summary>
    public static Tensor Photo(string name)
    {
        var bytes = File.ReadAllBytes(RepoPaths.Fixture($"onnx/photos/{name}.rgb"));
        return tensor(bytes, new long[] { 224, 224, 3 }).permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32);
    }

    [Fact]
    public void Features_match_onnx_runtime_on_the_sample_photos()
    {
        using var scope = NewDisposeScope();
        using var model = TrainedFeaturizer.Load();
        using var noGrad = no_grad();
        foreach (var name in Photos)
        {
            var photo = Photo(name);
            var preprocessed = OnnxFixtures.RunOrt(Path.Combine(TrainedFeaturizer.Folder, TrainedFeaturizer.PreprocessFile), photo);
            var expected = OnnxFixtures.RunOrt(Path.Combine(TrainedFeaturizer.Folder, TrainedFeaturizer.ModelFile), preprocessed);
            // 22 convolutions, the longest reduction 512·3·3 (OnnxModelParityTests.Tolerance explains the bound).
            TensorAssert.Close(expected, model.call(photo), OnnxModelParityTests.Tolerance(22, 512 * 9, expected), $"{name} features");
        }
    }

    [Fact]
    public void Features_are_trained_different_photos_differ()
    {
        using var scope = NewDisposeScope();
        using var model = TrainedFeaturizer.Load();
        using var noGrad = no_grad();
        var features = cat(Photos.Select(p => model.call(Photo(p)).flatten(1)).ToList(), 0);
        var unit = features / features.norm(1, keepdim: true);
        var cosine = unit.matmul(unit.t());
        // The issue measured 0.24–0.44 between different photos; a random network of this shape gives 0.985–0.998.
        for (int i = 0; i < Photos.Length; i++)
            for (int j = i + 1; j < Photos.Length; j++)
                Assert.InRange(cosine[i, j].item<float>(), 0.1f, 0.6f);
    }

    [Fact]
    public void Default_layer_is_the_last_block_and_eigencam_and_similarity_explain_it()
    {
        using var scope = NewDisposeScope();
        using var model = TrainedFeaturizer.Load();
        Assert.Equal(TrainedFeaturizer.DefaultLayer, LayerLocator.DefaultLayer(model, [1, 3, 224, 224]));
        var cat = Photo("chelsea");
        using var eigen = new EigenCam(model, [TrainedFeaturizer.DefaultLayer]).Explain(cat);
        Assert.Equal(new long[] { 1, 7, 7 }, eigen.FeatureMaps.shape);
        var like = ConceptSimilarityTarget.FromReferenceImage(model, Photo("coffee"));
        using var similar = new GradCam(model, [TrainedFeaturizer.DefaultLayer]).Explain(cat, [like]);
        Assert.True(similar.Maps.max().item<float>() > 0, "the similarity map is all zero");
    }
}
