namespace SharpCam.Tests.Cli.Commands;

[Collection(CliRunner.Collection)]
public class LayersCommandTests
{
    [Fact]
    public void ListsLeNetsLayersWithShapesAndTheDefault()
    {
        var (code, output) = CliRunner.Run("layers");
        Assert.Equal(0, code);
        Assert.Contains("[1, 16, 8, 8]", output);
        Assert.Contains("Default target layer: conv.4", output);
    }

    [Fact]
    public void CudaWhereThereIsNoneIsAClearError()
    {
        var (code, output) = CliRunner.Run("layers", "--device", "cuda");
        Assert.Equal(1, code);
        Assert.Contains("CUDA is not available", output);
    }
}
