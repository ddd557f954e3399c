using System.Text.RegularExpressions;

namespace SharpCam.Tests.Cli.Commands;

/// <summary>`sharpcam layers [--model X] [--input-size N] [--device D]`.</summary>
[Collection(CliRunner.Collection)]
public class LayersCommandTests
{
    /// <summary>The first column of the printed table.</summary>
    private static List<string> LayerNames(string output) =>
        output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length > 2 && cells[1].Length > 0 && cells[1] != "layer").Select(cells => cells[1]).ToList();

    [Fact]
    public void ListsLeNetsLayersWithShapesAndTheDefault()
    {
        var (code, output) = CliRunner.Run("layers");
        Assert.Equal(0, code);
        Assert.Contains("[1, 16, 8, 8]", output);
        Assert.Contains("Default target layer: conv.4", output);
    }

    [Fact]
    public void ListsAZooModelDepthFirstWithOutputShapesAndItsDefaultLayer()
    {
        var (code, output) = CliRunner.Run("layers", "--model", "resnet18");
        Assert.Equal(0, code);
        var names = LayerNames(output);
        // PyTorch's named_modules() order: each module, then everything inside it, then the next.
        Assert.Equal(["conv1", "bn1", "relu", "maxpool", "layer1", "layer1.0", "layer1.0.conv1"], names.Take(7));
        Assert.True(names.IndexOf("layer1.1.conv2") < names.IndexOf("layer2"));
        Assert.Matches(@"│ layer4\s+│ Sequential\s+│ \[1, 512, 7, 7\]", output);
        Assert.Contains("Default target layer: layer4", output);
    }

    /// <summary>A ViT's token layers [1, 1 + 7·7, 768] are listed with the 7×7 grid a CAM sees there.</summary>
    [Fact]
    public void ListsTheGridATransformersTokenLayersGive()
    {
        var (code, output) = CliRunner.Run("layers", "--model", "vit_b_32");
        Assert.Equal(0, code);
        Assert.Matches(@"│ encoder\.ln\s+│ LayerNorm\s+│ \[1, 50, 768\]\s+│ 7×7 \(tokens", output);
        Assert.Matches(@"│ heads\.head\s+│ Linear\s+│ \[1, 1000\]\s+│ -", output);
        Assert.Contains("encoder.layers.encoder_layer_11.ln_1", output);
    }

    [Fact]
    public void ListsAnOnnxGraphsNodesWithItsFixedInputSizeAndOutput()
    {
        var model = SharpCam.Tests.Support.RepoPaths.Fixture("onnx/nhwc_handmade.onnx");
        var (code, output) = CliRunner.Run("layers", "--model", model, "--output", "probabilities");
        Assert.Equal(0, code);
        Assert.Equal(["to_nchw", "conv1", "leaky1", "pool1"], LayerNames(output).Take(4));
        Assert.DoesNotContain("batch_dim", LayerNames(output));   // the Shape → Gather → Concat chain is not a layer
        Assert.Matches(@"│ relu2\s+│ ReLU\s+│ \[1, 6, 7, 7\]", output);
        Assert.Contains("Input: [1, 3, 32, 32]. Default target layer: relu2", output);
        Assert.Contains("output probabilities", output);
        Assert.Contains("NHWC", output);
        Assert.Contains("5 class scores", output);
    }

    /// <summary>
    /// One builder of each ported family: PyTorch's names and the default layer's grid at the weights' input size (shown
    /// on <paramref name="row"/>: the default layer, or for EfficientNet its last module, the SiLU it ends with).
    /// </summary>
    [Theory]
    [InlineData("efficientnet_b0", "features.8", "features.8.2", "SiLU", "[1, 1280, 7, 7]")]
    [InlineData("efficientnet_v2_s", "features.7", "features.7.2", "SiLU", "[1, 1280, 12, 12]")]
    [InlineData("convnext_tiny", "features.7", "features.7", "Sequential", "[1, 768, 7, 7]")]
    [InlineData("regnet_y_400mf", "trunk_output", "trunk_output", "Sequential", "[1, 440, 7, 7]")]
    [InlineData("densenet121", "features.norm5", "features.norm5", "BatchNorm2d", "[1, 1024, 7, 7]")]
    [InlineData("squeezenet1_1", "features.12", "features.12", "Fire", "[1, 512, 13, 13]")]
    [InlineData("shufflenet_v2_x0_5", "conv5", "conv5", "Sequential", "[1, 1024, 7, 7]")]
    [InlineData("mnasnet0_5", "layers.16", "layers.16", "ReLU", "[1, 1280, 7, 7]")]
    public void ListsEachPortedFamilyWithItsDefaultLayer(string model, string layer, string row, string type, string shape)
    {
        var (code, output) = CliRunner.Run("layers", "--model", model);
        Assert.Equal(0, code);
        Assert.Matches($@"│ {Regex.Escape(row)}\s+│ {type}\s+│ {Regex.Escape(shape)}", output);
        Assert.Contains($"Default target layer: {layer}", output);
    }

    [Fact]
    public void TheInputSizeChangesTheShapes()
    {
        var (code, output) = CliRunner.Run("layers", "--model", "vgg16", "--input-size", "64");
        Assert.Equal(0, code);
        Assert.Matches(@"│ features\.29\s+│ ReLU\s+│ \[1, 512, 4, 4\]", output);
        Assert.Contains("Input: [1, 3, 64, 64]", output);
        Assert.Contains("Default target layer: features.29", output);
    }

    [Theory]
    [InlineData("Known models:", "--model", "resnet9000")]
    [InlineData("needs at least 75", "--model", "inception_v3", "--input-size", "64")]
    public void BadOptionsAreRefusedWithTheReason(string reason, params string[] options)
    {
        var (code, output) = CliRunner.Run(["layers", .. options]);
        Assert.Equal(2, code);   // usage errors exit 2
        Assert.Contains(reason, output);
    }

    [Fact]
    public void CudaWhereThereIsNoneIsAClearError()
    {
        var (code, output) = CliRunner.Run("layers", "--device", "cuda");
        Assert.Equal(1, code);
        Assert.Contains("CUDA is not available", output);
    }
}
