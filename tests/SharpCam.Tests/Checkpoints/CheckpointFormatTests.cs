using SharpCam.Checkpoints;
using SharpCam.Tests.Support;
using static SharpCam.Tests.Checkpoints.CheckpointFixtures;

namespace SharpCam.Tests.Checkpoints;

public class CheckpointFormatTests
{
    [Theory]
    [InlineData("lenet.pth", CheckpointFormat.PyTorch)]
    [InlineData("lenet.ckpt", CheckpointFormat.PyTorch)] // a torch zip; Lightning is told apart once unpickled
    [InlineData("lenet_legacy.pth", CheckpointFormat.PyTorchLegacy)]
    [InlineData("lenet.safetensors", CheckpointFormat.Safetensors)]
    public void FormatIsDetectedByContent(string file, string format)
    {
        using var temp = new TempFolder();
        var renamed = temp.File("weights.bin"); // the extension says nothing
        File.Copy(PathOf(file), renamed);
        Assert.Equal(format, CheckpointFormat.Detect(renamed));
    }

    [Fact]
    public void UnknownFileIsRefusedWithTheSupportedFormats()
    {
        using var temp = new TempFolder();
        var path = temp.File("notes.pth");
        File.WriteAllText(path, "these are not weights\n");
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains($"{path} is not in a checkpoint format SharpCam knows", error.Message);
        foreach (var format in new[] { "Module.save", "torch.save", "Lightning .ckpt", ".safetensors" }) Assert.Contains(format, error.Message);
    }

    [Fact]
    public void EmptyFileIsCalledEmpty()
    {
        using var temp = new TempFolder();
        var path = temp.File("empty.ckpt");
        File.WriteAllBytes(path, []);
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("is empty (0 bytes)", error.Message);
    }
}
