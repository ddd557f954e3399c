using System.Diagnostics;
using SharpCam.Cam;
using SharpCam.Layers;
using SharpCam.Onnx;
using SharpCam.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpCam.Tests.Onnx;

/// <summary>
/// The opset-17 exports of one builder of each torchvision family issue 18 adds (tests/fixtures/onnx/zoo, made by
/// make_onnx_zoo_fixtures.py) against ONNX Runtime, and gradients through them. The transformers (and ConvNeXt,
/// EfficientNet V2) are torchvision's own classes at small widths, so the graphs hold the same operators at a
/// fraction of the weights.
/// </summary>
public class OnnxZooParityTests(ITestOutputHelper output)
{
    // Graph, input size, D and K for OnnxModelParityTests.Tolerance (the script prints them: D the most accumulating
    // nodes on one path, K the most terms one of them sums), and the node Grad-CAM is taken at: the family's default
    // layer for the convolutional families; for the token families (whose layers need a token layout to become
    // feature maps) the patch-embedding convolution, which gradients reach only through every attention block.
    public static TheoryData<string, int, int, int, string> Graphs => new()
    {
        { "efficientnet_b0", 64, 99, 1280, "/features/features_8/features_8_2/Mul" },
        { "efficientnet_v2_small", 64, 19, 144, "/features/features_5/features_5_2/Mul" },
        { "convnext_small", 64, 31, 384, "/features/features_7/features_7_0/Add" },
        { "regnet_y_400mf", 64, 99, 440, "/trunk_output/block4/block4-5/activation/Relu" },
        { "densenet121", 64, 125, 1152, "/features/norm5/BatchNormalization" },
        { "squeezenet1_1", 64, 19, 576, "/features/features_12/Concat" },
        { "shufflenet_v2_x0_5", 64, 52, 1024, "/conv5/conv5_2/Relu" },
        { "mnasnet0_5", 64, 54, 1280, "/layers/layers_16/Relu" },
        { "vit_small", 32, 21, 192, "/conv_proj/Conv" },
        { "swin_small", 64, 65, 512, "/features/features_0/features_0_0/Conv" },
        { "swin_v2_small", 64, 71, 512, "/features/features_0/features_0_0/Conv" },
        { "maxvit_small", 64, 102, 256, "/stem/stem_0/stem_0_0/Conv" },
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    [Trait("Category", "Parity")]
    public void Logits_match_onnx_runtime_and_grad_cam_runs(string name, int size, int depth, int reduction, string layer)
    {
        using var folder = new TempFolder();
        var path = OnnxFixtures.Prepare($"zoo/{name}", folder);
        using var scope = NewDisposeScope();
        var images = OnnxFixtures.Images(2, 3, size, size);
        var expected = OnnxFixtures.RunOrt(path, images);   // the graphs have a symbolic batch
        var clock = Stopwatch.StartNew();
        using var model = OnnxModel.Load(path);
        var loading = clock.Elapsed.TotalSeconds;
        Tensor actual;
        using (no_grad()) actual = model.call(images);
        Assert.True(expected.abs().max().item<float>() > 1e-3, "the fixture's logits are all about zero: the test would prove nothing");
        var tolerance = OnnxModelParityTests.Tolerance(depth, reduction, expected);
        var difference = (expected - actual).abs().max().item<float>();
        output.WriteLine($"{name}: max |logit| {expected.abs().max().item<float>():G4}, max |diff| {difference:G3}, " +
                         $"tolerance {tolerance:G3}, loaded in {loading:F2} s");
        TensorAssert.Close(expected, actual, tolerance, $"{name} logits");

        using var result = new GradCam(model, [layer]).Explain(images);
        Assert.True(result.Maps.isfinite().all().item<bool>(), $"{name}: Grad-CAM at {layer} is not finite");
        for (int i = 0; i < 2; i++)
            Assert.True(result.Maps[i].max().item<float>() > result.Maps[i].min().item<float>(),
                        $"{name}: Grad-CAM at {layer} is constant for image {i}: no gradient reached the layer");
    }

    public static TheoryData<string, string> HandmadeOutputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var output in new[]
                 {
                     "slice_back", "slice_step", "expand", "tile", "where", "logic", "fmod", "mod", "scattered", "ranged",
                     "reduce_sum", "reduce_max", "reduce_min", "reduce_l2", "sqrt", "log", "reciprocal", "exp", "tanh", "erf",
                     "pow", "pow_int", "layer_norm_axis1", "layer_norm_last2", "einsum", "constant_of_shape", "softmax_axis1",
                     "matmul_broadcast",
                 })
            data.Add("ops_handmade", output);
        data.Add("gelu_op20", "exact");
        data.Add("gelu_op20", "tanh");
        return data;
    }

    /// <summary>
    /// The operators' edge cases (ops_handmade.onnx, one output each; gelu_op20.onnx) against ONNX Runtime. Each output takes at most
    /// two accumulating steps over at most 3·8·8 = 192 terms (the LayerNormalization over axis 1); the element-wise
    /// functions are within a few ulps in both runtimes, less than one such sum's error.
    /// </summary>
    [Theory]
    [MemberData(nameof(HandmadeOutputs))]
    public void Operator_edge_cases_match_onnx_runtime(string graph, string output)
    {
        var path = RepoPaths.Fixture($"onnx/zoo/{graph}.onnx");
        using var scope = NewDisposeScope();
        var images = OnnxFixtures.Images(2, 3, 8, 8, "edge cases");
        var expected = OnnxFixtures.RunOrt(path, images, output);
        using var model = OnnxModel.Load(path, output);
        using var noGrad = no_grad();
        var actual = model.call(images);
        Assert.Equal(expected.shape, actual.shape);
        TensorAssert.Close(expected, actual, OnnxModelParityTests.Tolerance(2, 192, expected), output);
    }

    /// <summary>
    /// The Shape-derived values (ViT's reshape sizes, class-token expansion) are kept per input shape: a batch of
    /// another size gets its own, and the first size's are reused unchanged, so the same input gives the same bits.
    /// </summary>
    [Fact]
    public void Shape_values_are_kept_per_input_shape()
    {
        using var folder = new TempFolder();
        using var model = OnnxModel.Load(OnnxFixtures.Prepare("zoo/vit_small", folder));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = OnnxFixtures.Images(3, 3, 32, 32);
        var first = model.call(images);
        var single = model.call(images[1..2]);
        var again = model.call(images);
        Assert.Equal(new long[] { 1, 10 }, single.shape);
        Assert.True(first.eq(again).all().item<bool>(), "a second forward of the same shape changed the logits");
        // one image alone against the same image in a batch of 3: the same arithmetic up to batched kernels' order
        TensorAssert.Close(first[1..2], single, OnnxModelParityTests.Tolerance(21, 192, first), "batch of 1");
    }
}
