using System.Diagnostics;
using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Tests.Support;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static SharpCam.Tests.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;

namespace SharpCam.Tests.Checkpoints;

public class CheckpointLoaderTests(ITestOutputHelper output)
{
    [Trait(TestCategory.Name, TestCategory.Parity)]
    [Theory]
    [InlineData("lenet.pth", CheckpointFormat.PyTorch)]
    [InlineData("lenet_legacy.pth", CheckpointFormat.PyTorchLegacy)]
    [InlineData("lenet.ckpt", CheckpointFormat.Lightning)]
    [InlineData("lenet_prefixed.ckpt", CheckpointFormat.Lightning)]
    [InlineData("lenet.safetensors", CheckpointFormat.Safetensors)]
    public void EveryFormatLoadsAndReproducesPyTorchsLogits(string file, string format)
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var checkpoint = CheckpointLoader.LoadInto(model, PathOf(file));
        Assert.Equal(format, checkpoint.Format);
        Assert.Equal(format, checkpoint.Metadata.Format);
        Assert.Equal(10, checkpoint.Tensors.Count);
        AssertReproducesPyTorchLogits(model);
    }

    /// <summary>
    /// TorchSharp.PyBridge's save_py writes torch.save's zip format with <c>OrderedDict(())</c> for each tensor's
    /// (empty) hooks. The file loads into another LeNet, which then computes exactly what the saved one computes.
    /// </summary>
    [Fact]
    public void AFileWrittenByPyBridgesSavePyLoadsWithIdenticalOutputs()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var saved = new LeNet();
        var path = temp.File("pybridge.pth");
        saved.save_py(path);

        using var model = new LeNet();
        var checkpoint = CheckpointLoader.LoadInto(model, path);
        Assert.Equal(CheckpointFormat.PyTorch, checkpoint.Format);
        AssertSameTensors(saved.state_dict(), model.state_dict());
        saved.eval();
        model.eval();
        using var noGrad = no_grad();
        var inputs = Npy.Load(PathOf("lenet_inputs.npy"));
        AssertSameTensor(saved.call(inputs), model.call(inputs), "logits"); // same weights, same math: bit for bit
    }

    [Fact]
    public void LightningCheckpointGivesItsHyperParametersEpochAndStep()
    {
        using var scope = NewDisposeScope();
        var metadata = CheckpointLoader.Load(PathOf("lenet.ckpt")).Metadata;
        Assert.Equal(1, metadata.Epoch);
        Assert.Equal(6L, metadata.Step);
        var hyper = metadata.HyperParameters;
        Assert.Equal(0.001, hyper["lr"]);
        Assert.Equal(64L, hyper["batch_size"]);
        Assert.Equal("adam", hyper["optimizer"]);
        Assert.Equal(new List<object?> { 0.9, 0.999 }, hyper["betas"]);
        Assert.Equal(true, hyper["normalize"]);
        Assert.Null(hyper["scheduler"]);
        Assert.Equal(9, hyper.Count);
    }

    [Fact]
    public void LightningStateDictKeepsItsPrefixUntilLoadedIntoAModel()
    {
        using var scope = NewDisposeScope();
        var stored = CheckpointLoader.Load(PathOf("lenet_prefixed.ckpt"));
        Assert.All(stored.Tensors.Keys, key => Assert.StartsWith("model.", key));
        Assert.Equal(64L, stored.Metadata.HyperParameters["batch_size"]); // lightning.fabric's AttributeDict
        using var model = new LeNet();
        var loaded = CheckpointLoader.LoadInto(model, PathOf("lenet_prefixed.ckpt"));
        Assert.Equal(model.state_dict().Keys.Order(), loaded.Tensors.Keys.Order());
    }

    [Theory]
    [InlineData("lenet.pth", "lenet_legacy.pth")]         // zip and legacy serialisation
    [InlineData("dtypes.pth", "dtypes_big_endian.pth")]   // byteorder "big": every element is byte-swapped on load
    public void OneStateDictSavedTwoWaysGivesIdenticalTensors(string file, string sameTensors)
    {
        using var scope = NewDisposeScope();
        AssertSameTensors(CheckpointLoader.Load(PathOf(file)).Tensors, CheckpointLoader.Load(PathOf(sameTensors)).Tensors);
    }

    [Fact]
    public void EveryDtypeStrideAndStorageOffsetOfATorchZipIsRead()
    {
        using var scope = NewDisposeScope();
        var t = CheckpointLoader.Load(PathOf("dtypes.pth")).Tensors;
        var f32 = arange(12, ScalarType.Float32).reshape(3, 4) - 5.5;
        foreach (var (key, dtype) in new[] { ("f32", ScalarType.Float32), ("f64", ScalarType.Float64), ("f16", ScalarType.Float16), ("bf16", ScalarType.BFloat16) })
        {
            Assert.Equal(dtype, t[key].dtype);
            AssertSameTensor(f32, t[key].to(ScalarType.Float32), key);
        }
        Assert.Equal(new long[] { -(1L << 40), -1, 0, 7, 1L << 40 }, t["i64"].data<long>().ToArray());
        Assert.Equal(new[] { -70000, -1, 0, 70000 }, t["i32"].data<int>().ToArray());
        Assert.Equal(new short[] { -300, 0, 300 }, t["i16"].data<short>().ToArray());
        Assert.Equal(new sbyte[] { -128, 0, 127 }, t["i8"].data<sbyte>().ToArray());
        Assert.Equal(new byte[] { 0, 1, 255 }, t["u8"].data<byte>().ToArray());
        Assert.Equal(new[] { true, false, true }, t["bool"].data<bool>().ToArray());
        Assert.Empty(t["scalar"].shape);
        Assert.Equal(3.5f, t["scalar"].item<float>());
        Assert.Equal(new long[] { 4, 3 }, t["transposed"].shape);
        AssertSameTensor(f32.t(), t["transposed"], "transposed view");
        Assert.Equal(new[] { 0, 0.25, 0.5, 0.75 }, t["shared_head"].data<double>().ToArray());
        Assert.Equal(new[] { 1.5, 1.75, 2, 2.25 }, t["shared_tail"].contiguous().data<double>().ToArray());
    }

    [Fact]
    public void WrongShapesAndMissingKeysAreListedAndNothingIsLoaded()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var before = Snapshot(model);
        var error = Assert.Throws<StateDictMismatchException>(() => CheckpointLoader.LoadInto(model, PathOf("lenet_wrong_shape_missing_key.pth")));
        Assert.Equal(new[] { "conv.0.bias" }, error.Missing);
        Assert.Empty(error.Unexpected);
        Assert.Equal(2, error.Misshaped.Count);
        Assert.Contains("fc.4.weight: file [5, 84], model [10, 84]", error.Misshaped);
        Assert.Contains("lenet_wrong_shape_missing_key.pth", error.Message);
        AssertUnchanged(before, model);
    }

    [Fact]
    public void MissingFileIsReportedWithItsPath()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CheckpointLoader.Load("no/such/weights.pth"));
        Assert.Contains("no/such/weights.pth", error.Message);
    }

    [Theory]
    [InlineData("lenet.pth", 0.5, "broken zip archive")]
    [InlineData("lenet.pth", 0.999, "broken zip archive")]
    [InlineData("lenet_legacy.pth", 0.8, "ends inside storage")]
    [InlineData("lenet.safetensors", 0.9, "its tensors cover")]
    public void TruncatedFileIsReportedAndTheModelIsUntouched(string file, double fraction, string problem)
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var before = Snapshot(model);
        var path = Truncated(temp, file, fraction);
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.LoadInto(model, path));
        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
        AssertUnchanged(before, model);
    }

    /// <summary>
    /// Storage 0 of dtypes.pth (12 floats from -5.5f, bytes 00 00 b0 c0) replaced by an empty entry, or with one bit
    /// flipped. .NET's ZipArchive does not check CRCs: without our check the flipped file loads with f32[0] = -5.5000005.
    /// </summary>
    [Theory]
    [InlineData("emptied", "storage dtypes/data/0 holds 0 bytes where its tensors need 48")]
    [InlineData("bit-flipped", "the checksum of dtypes/data/0 does not match its bytes")]
    public void DamagedStorageInAZipIsReported(string damage, string problem)
    {
        using var temp = new TempFolder();
        var path = temp.File(damage + ".pth");
        var bytes = File.ReadAllBytes(PathOf("dtypes.pth"));
        int at = bytes.AsSpan().IndexOf("dtypes/data/0"u8);
        at += bytes.AsSpan(at).IndexOf(new byte[] { 0x00, 0x00, 0xb0, 0xc0 });
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        if (damage == "emptied")
        {
            using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update);
            zip.GetEntry("dtypes/data/0")!.Delete();
            zip.CreateEntry("dtypes/data/0");
        }
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void ZipThatIsNotATorchCheckpointIsNamedAsSuch()
    {
        using var temp = new TempFolder();
        var path = temp.File("arrays.pth");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
            zip.CreateEntry("x.npy");
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("is a zip archive but not a PyTorch checkpoint", error.Message);
        Assert.Contains("x.npy", error.Message);
    }

    /// <summary>The shared torchvision resnet18 (46 MB, 122 keys with int64 num_batches_tracked scalars) in a full model.</summary>
    [Trait(TestCategory.Name, TestCategory.Parity)]
    [SharedDataFact]
    public void TorchvisionResNet18LoadsQuicklyAndReproducesItsLogits()
    {
        using var scope = NewDisposeScope();
        var path = SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth");
        var clock = Stopwatch.StartNew();
        var checkpoint = CheckpointLoader.Load(path);
        output.WriteLine($"read {new FileInfo(path).Length / 1e6:F1} MB .pth in {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "loading should take about a second or less");

        var tensors = checkpoint.Tensors;
        Assert.Equal(122, tensors.Count);
        Assert.Equal(11_699_112, tensors.Values.Where(t => t.dtype == ScalarType.Float32).Sum(t => t.numel()));
        Assert.Equal(ScalarType.Int64, tensors["bn1.num_batches_tracked"].dtype);
        Assert.Empty(tensors["bn1.num_batches_tracked"].shape);
        Assert.True(tensors["layer4.1.bn2.running_var"].eq(1).all().item<bool>());
        Assert.Equal(new long[] { 1000, 512 }, tensors["fc.weight"].shape);

        using var model = torchvision.models.resnet18();
        CheckpointLoader.LoadInto(model, path);
        model.eval();
        var reference = Npy.LoadArchive(SharedData.PathOf("fixtures/resnet18-random/cams.npz"));
        using var noGrad = no_grad();
        TensorAssert.LogitsClose(reference["logits"], model.call(reference["inputs"]), model, "resnet18");
    }

    [Trait(TestCategory.Name, TestCategory.Parity)]
    [SharedDataFact]
    public void PyTorchStateDictLoadsAndReproducesTheLogits()
    {
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        CheckpointLoader.LoadInto(model, SharedData.PathOf("fixtures/lenet-fmnist/lenet_fmnist.pth"));
        model.eval();
        var f = LeNetFixture.Cams();
        using var noGrad = no_grad();
        TensorAssert.LogitsClose(f["logits"], model.call(f["images"]), model, "lenet");
    }
}
