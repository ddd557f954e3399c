using SharpCam.Onnx;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Onnx;

/// <summary>The rebuilt graphs against ONNX Runtime, on torchvision exports (opset 11 and 17) and a hand-made NHWC graph.</summary>
public class OnnxModelParityTests
{
    /// <summary>
    /// Tolerance for float32 outputs of a network of <paramref name="depth"/> accumulating layers whose longest dot
    /// product has <paramref name="reduction"/> terms. Both runtimes round each sum in float32 but in different orders;
    /// with unit roundoff u = 2⁻²⁴ a sum of K terms differs by about √K·u relative to its magnitude (the random-rounding
    /// rule, Higham §3.5; 4√K·u covers 4 standard deviations), and the relative errors of D layers add up. The bound is
    /// relative to the output's largest magnitude.
    /// </summary>
    public static double Tolerance(int depth, int reduction, Tensor reference) =>
        depth * 4 * Math.Sqrt(reduction) * Math.Pow(2, -24) * reference.abs().max().item<float>();

    // Depth = layers with a reduction (convs, Gemm/MatMul); reduction = the largest C_in·k_h·k_w or Gemm K.
    public static TheoryData<string, int, int> Graphs => new()
    {
        { "resnet18_op11", 21, 512 * 9 },
        { "resnet18_op17", 21, 512 * 9 },
        { "mobilenet_v3_small_op11", 54, 1024 },
        { "mobilenet_v3_small_op17", 54, 1024 },
        { "vgg11_op11", 11, 512 * 7 * 7 },
        { "vgg11_op17", 11, 512 * 7 * 7 },
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Logits_match_onnx_runtime(string name, int depth, int reduction)
    {
        using var folder = new TempFolder();
        var path = OnnxFixtures.Prepare(name, folder);
        using var scope = NewDisposeScope();
        var images = OnnxFixtures.Images(2, 3, 224, 224);
        var expected = cat([OnnxFixtures.RunOrt(path, images[0..1]), OnnxFixtures.RunOrt(path, images[1..2])], 0);
        using var model = OnnxModel.Load(path);
        using var noGrad = no_grad();
        var actual = model.call(images);
        Assert.True(expected.abs().max().item<float>() > 1e-3, "the fixture's logits are all about zero: the test would prove nothing");
        TensorAssert.Close(expected, actual, Tolerance(depth, reduction, expected), $"{name} logits");
    }

    [Fact]
    public void Nhwc_graph_matches_onnx_runtime_on_both_outputs()
    {
        var path = RepoPaths.Fixture("onnx/nhwc_handmade.onnx");
        using var scope = NewDisposeScope();
        var nchw = OnnxFixtures.Images(3, 3, 32, 32);
        var nhwc = nchw.permute(0, 2, 3, 1).contiguous();
        foreach (var output in new[] { "logits", "probabilities" })
        {
            using var model = OnnxModel.Load(path, output);
            Assert.True(model.ChannelsLast);
            Assert.Equal((32L, 32L), (model.InputSize.Height!.Value, model.InputSize.Width!.Value));
            using var noGrad = no_grad();
            var expected = OnnxFixtures.RunOrt(path, nhwc, output);
            // 3 layers (2 convs, 1 MatMul), longest reduction 8·3·3 = 72.
            TensorAssert.Close(expected, model.call(nchw), Tolerance(3, 72, expected), output);
        }
    }
}
