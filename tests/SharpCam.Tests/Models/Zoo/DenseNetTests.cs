using SharpCam.Checkpoints;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Models.Zoo;

/// <summary>
/// torchvision's published DenseNet files keep an older key layout ("denselayer1.norm.1.weight" for the model's
/// "denselayer1.norm1.weight"); torchvision's loader renames them, and so does SharpCam, from a file and in memory.
/// </summary>
public class DenseNetTests
{
    private static readonly ResolvedWeights InMemory = new("in-memory state dict", WeightsOrigin.UserFile);

    [Fact]
    public void LegacyDenseLayerKeysAreRenamedAsTorchvisionDoes()
    {
        var spec = ModelZoo.Get("densenet121");
        var renamed = spec.WithModelKeys(new Dictionary<string, int>
        {
            ["features.denseblock1.denselayer1.norm.1.weight"] = 0, ["features.denseblock4.denselayer16.conv.2.weight"] = 1,
            ["features.denseblock2.denselayer3.norm.2.running_var"] = 2, ["features.norm5.weight"] = 3, ["classifier.weight"] = 4,
        });
        Assert.Equal(["classifier.weight", "features.denseblock1.denselayer1.norm1.weight", "features.denseblock2.denselayer3.norm2.running_var",
                      "features.denseblock4.denselayer16.conv2.weight", "features.norm5.weight"], renamed.Keys.Order());
    }

    [Fact]
    public void ALegacyFileLoadsWithItsValuesInPlace()
    {
        using var scope = NewDisposeScope();
        var spec = ModelZoo.Get("densenet121");
        using var original = spec.Create(3);
        FormulaWeights.Fill(original);
        // The published files' layout: pre-1.0 PyTorch, so no BatchNorm counters, and "norm.1" for "norm1".
        var legacy = original.state_dict().Where(kv => !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToDictionary(
            kv => System.Text.RegularExpressions.Regex.Replace(kv.Key, @"(denselayer\d+\.(?:norm|relu|conv))([12])\.", "$1.$2."), kv => kv.Value);
        Assert.Contains("features.denseblock1.denselayer1.norm.1.weight", legacy.Keys);

        using (var fromMemory = ZooModel.FromStateDict(spec, legacy, InMemory))
            Assert.True(fromMemory.Model.state_dict()["features.denseblock1.denselayer1.norm1.weight"].allclose(legacy["features.denseblock1.denselayer1.norm.1.weight"], 0, 0));

        var file = Path.Combine(Path.GetTempPath(), $"sharpcam-densenet-legacy-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsFile.Save(legacy, file);
            using var fromFile = ZooModel.FromFile(spec, new ResolvedWeights(file, WeightsOrigin.UserFile));
            Assert.Equal(3, fromFile.NumClasses);
            Assert.True(fromFile.Model.state_dict()["features.denseblock4.denselayer16.conv2.weight"]
                .allclose(legacy["features.denseblock4.denselayer16.conv.2.weight"], 0, 0));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
