using SharpCam.Checkpoints;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static SharpCam.Tests.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Checkpoints;

[Trait(TestCategory.Name, TestCategory.Parity)]
public class CheckpointStoreTests
{
    [Fact]
    public void SavedCheckpointLoadsBackWithItsMetadataAndPyTorchsLogits()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var source = new LeNet();
        CheckpointLoader.LoadInto(source, PathOf("lenet.pth"));
        var path = temp.File("lenet" + CheckpointStore.Extension);
        var metadata = new CheckpointMetadata
        {
            Architecture = "lenet", NumClasses = 10, Epoch = 3, Step = 2811,
            HyperParameters = new() { ["lr"] = 0.001, ["batch_size"] = 64 },
            ClassNames = Enumerable.Range(0, 10).Select(i => i.ToString()).ToList(),
        };
        CheckpointStore.Save(source, path, metadata);

        using var model = new LeNet();
        var loaded = CheckpointLoader.LoadInto(model, path);
        Assert.Equal(CheckpointFormat.TorchSharp, loaded.Format);
        Assert.Equal(3, loaded.Metadata.Epoch);
        Assert.Equal(2811L, loaded.Metadata.Step);
        Assert.Equal(0.001, ((System.Text.Json.JsonElement)loaded.Metadata.HyperParameters["lr"]!).GetDouble());
        Assert.Equal(metadata.ClassNames, loaded.Metadata.ClassNames);
        AssertReproducesPyTorchLogits(model);
    }

    /// <summary>Our reader of TorchSharp's format against TorchSharp's own writer, including int64 scalar buffers.</summary>
    [Fact]
    public void ReaderReturnsExactlyWhatModuleSaveWrote()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = Sequential(("conv", Conv2d(3, 4, 3)), ("bn", BatchNorm2d(4)), ("flat", Flatten()), ("fc", Linear(4, 2)));
        model.train();
        model.call(randn(2, 3, 3, 3)); // updates running stats and num_batches_tracked
        var path = temp.File("plain.dat");
        model.save(path);

        var loaded = CheckpointLoader.Load(path);
        Assert.Equal(CheckpointFormat.TorchSharp, loaded.Format);
        AssertSameTensors(model.state_dict(), loaded.Tensors);
        Assert.Equal(1L, loaded.Tensors["bn.num_batches_tracked"].item<long>());
        Assert.Equal("lenet", loaded.Metadata.Architecture); // no sidecar: defaults
    }

    [Fact]
    public void ACorruptSidecarIsNamedBeforeTheWeightsAreCheckedAgainstTheModel()
    {
        // Issue 22: a .dat whose keys do not fit the model (here: none at all, an empty state dict) beside a torn
        // sidecar was reported as "the file has 0 tensors … 10 missing keys"; the sidecar is read first now.
        using var temp = new TempFolder();
        var path = temp.File("run.dat");
        File.WriteAllBytes(path, [0]);   // TorchSharp's Module.save of no tensors: a LEB128 count of 0
        File.WriteAllText(CheckpointStore.MetadataPath(path), "{ \"Architecture\": \"lenet\", \"NumCl");
        var error = Assert.Throws<CheckpointReadException>(() => LeNet.FromCheckpoint(path));
        Assert.Contains($"Cannot read {CheckpointStore.MetadataPath(path)}: it is not valid checkpoint metadata", error.Message);
        Assert.Contains("delete it to load the weights", error.Message);
    }

    [Theory]
    [InlineData("weights", "has a SharpCam sidecar but its TorchSharp weights do not add up")]
    [InlineData("sidecar", ".json: it is not valid checkpoint metadata")]
    public void DamagedCheckpointIsNamedWithTheWayOut(string damaged, string problem)
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var path = temp.File("run.dat");
        CheckpointStore.Save(model, path, new CheckpointMetadata());
        if (damaged == "weights") File.WriteAllBytes(path, File.ReadAllBytes(path)[..^100]);
        else File.WriteAllText(CheckpointStore.MetadataPath(path), "{ \"Epoch\": ");
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains($"Cannot read {path}", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
