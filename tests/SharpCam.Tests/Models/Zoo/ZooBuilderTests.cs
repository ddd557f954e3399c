using SharpCam.Models;
using static TorchSharp.torch;

namespace SharpCam.Tests.Models.Zoo;

/// <summary>
/// Tests that switch libtorch's process-wide default device to meta (shapes, no storage) to build the zoo's largest
/// builders for free; every other test creates CPU tensors, so these run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetaDeviceCollection
{
    public const string Name = "default device meta";
}

/// <summary>
/// Every builder of the ported convolutional families against torchvision 0.14
/// (tests/fixtures/zoo/make_cnn_family_fixtures.py): the same state-dict keys and shapes and the same parameter count
/// as torchvision's builder with 1000 classes. Built on the meta device, so even regnet_y_128gf (645 M parameters,
/// 2.6 GB in float32) costs neither memory nor time; the runtime parity of the smallest builder of each family is in
/// <see cref="ModelZooTests"/>.
/// </summary>
[Collection(MetaDeviceCollection.Name)]
public class ZooBuilderTests
{
    public static TheoryData<string> Builders => new(ZooFixtures.BuilderNames);

    [Theory]
    [MemberData(nameof(Builders))]
    public void KeysShapesAndParameterCountAreTorchvisions(string name)
    {
        var reference = ZooFixtures.Builder(name);
        set_default_device(META);
        try
        {
            using var model = ModelZoo.Get(name).Create();
            var own = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
            Assert.Equal(reference.StateDict.Select(kv => kv.Key).Order(), own.Keys.Order());
            Assert.All(reference.StateDict, kv => Assert.True(kv.Shape.SequenceEqual(own[kv.Key]),
                $"{kv.Key}: torchvision [{string.Join(", ", kv.Shape)}], SharpCam [{string.Join(", ", own[kv.Key])}]"));
            Assert.Equal(reference.NumParams, model.parameters().Sum(p => p.numel()));
            Assert.Equal(TorchSharp.DeviceType.META, model.parameters().First().device_type);
        }
        finally
        {
            set_default_device(CPU);
        }
    }
}
