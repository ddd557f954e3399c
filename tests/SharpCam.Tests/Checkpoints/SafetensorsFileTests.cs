using SharpCam.Checkpoints;
using SharpCam.Tests.Support;
using static SharpCam.Tests.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;

namespace SharpCam.Tests.Checkpoints;

public class SafetensorsFileTests
{
    [Fact]
    public void PythonWrittenFileIsReadWithItsMetadataAndMatchesThePth()
    {
        using var scope = NewDisposeScope();
        var file = SafetensorsFile.Load(PathOf("lenet.safetensors"));
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["source"] = "lenet.pth" }, file.Metadata);
        AssertSameTensors(CheckpointLoader.Load(PathOf("lenet.pth")).Tensors, file.Tensors);
    }

    [Fact]
    public void EveryDtypeMatchesTheSameTensorsSavedByTorch()
    {
        using var scope = NewDisposeScope();
        var file = SafetensorsFile.Load(PathOf("dtypes.safetensors")).Tensors;
        var pth = CheckpointLoader.Load(PathOf("dtypes.pth")).Tensors;
        Assert.Equal(11, file.Count);
        foreach (var (key, tensor) in file) AssertSameTensor(pth[key], tensor, key); // the pth also holds views
    }

    [Fact]
    public void SavingWhatWasReadReproducesThePythonFileByteForByte()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        var original = SafetensorsFile.Load(PathOf("dtypes.safetensors"));
        var path = temp.File("copy.safetensors");
        SafetensorsFile.Save(original.Tensors, path, original.Metadata);
        Assert.Equal(File.ReadAllBytes(PathOf("dtypes.safetensors")), File.ReadAllBytes(path));
    }

    [Fact]
    public void RoundTripKeepsValuesShapesDtypesAndMetadata()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["weight"] = randn(3, 4).t(), // non-contiguous: written in C order
            ["half"] = randn(5).to(ScalarType.Float16),
            ["count"] = tensor(7L),
            ["empty"] = zeros(0, 3),
            ["mask"] = tensor(new[] { true, false }),
        };
        var path = temp.File("round.safetensors");
        SafetensorsFile.Save(tensors, path, new Dictionary<string, string> { ["architecture"] = "lenet" });
        var read = SafetensorsFile.Load(path);
        Assert.Equal("lenet", read.Metadata["architecture"]);
        Assert.Equal(tensors.Keys, read.Tensors.Keys); // file order is insertion order
        AssertSameTensors(tensors, read.Tensors);
        Assert.Equal(new[] { path }, Directory.GetFiles(temp.Path)); // no temporary file left behind
    }

    [Fact]
    public void UnsupportedDtypeIsRefusedWithoutWritingAnything()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        var path = temp.File("complex.safetensors");
        var error = Assert.Throws<ArgumentException>(() =>
            SafetensorsFile.Save(new Dictionary<string, Tensor> { ["z"] = zeros(2, ScalarType.ComplexFloat32) }, path));
        Assert.Contains("z (ComplexFloat32)", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void MalformedHeaderIsReported()
    {
        using var temp = new TempFolder();
        var path = temp.File("bad.safetensors");
        var header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}"u8.ToArray();
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header, 0, 0, 0, 0]);
        var error = Assert.Throws<CheckpointReadException>(() => SafetensorsFile.Load(path));
        Assert.Contains("tensor 'w' spans 4 bytes but its shape and dtype need 8", error.Message);
    }
}
