using SharpCam.Cam;
using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Onnx;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Onnx;

/// <summary>
/// Gradients through a rebuilt graph: resnet18_op17 (BatchNorm kept, initializers named as torchvision's state dict)
/// loaded both as ONNX and, with the same weights, as the zoo's resnet18; every method's maps must agree.
/// </summary>
public class OnnxModelCamTests
{
    /// <summary>
    /// Both models run the same libtorch kernels on the same weights; they differ only where the ONNX graph computes
    /// differently (Gemm as matmul + add instead of addmm, FullGrad's per-layer terms summed in another order), a few
    /// float32 roundings of values ≤ 1 after normalisation: 1e-5 allows ~80 ulps at 1.
    /// </summary>
    private const double MapTolerance = 1e-5;

    private static (OnnxModel Onnx, Module<Tensor, Tensor> Zoo) Pair(TempFolder folder)
    {
        var onnx = OnnxModel.Load(OnnxFixtures.Prepare("resnet18_op17", folder));
        var zoo = ModelZoo.Get("resnet18").Create();
        using (no_grad())
            foreach (var (key, value) in zoo.state_dict())
            {
                if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;   // not exported; unused in eval
                Assert.True(onnx.Constants.TryGetValue(key, out var weight), $"the ONNX graph has no initializer '{key}'");
                value.copy_(weight);
            }
        return (onnx, zoo);
    }

    [Fact]
    public void Default_layer_is_the_last_relu_and_layers_have_output_shapes()
    {
        using var folder = new TempFolder();
        var (onnx, zoo) = Pair(folder);
        using (onnx) using (zoo)
        {
            var layer = LayerLocator.DefaultLayer(onnx, onnx.InputShape());
            Assert.IsType<TorchSharp.Modules.ReLU>(LayerLocator.Find(onnx, layer));
            var layers = LayerLocator.List(onnx, onnx.InputShape());
            Assert.Equal(new long[] { 1, 512, 7, 7 }, layers.Single(l => l.Name == layer).OutputShape);
            Assert.Equal(new long[] { 1, 1000 }, layers[^1].OutputShape);
            Assert.Contains(layers, l => l.Type == nameof(OnnxNode));
        }
    }

    [Fact]
    public void Every_method_runs_and_the_unguided_ones_match_the_zoo_model_with_the_same_weights()
    {
        using var folder = new TempFolder();
        var (onnx, zoo) = Pair(folder);
        using (onnx) using (zoo)
        {
            using var scope = NewDisposeScope();
            var images = OnnxFixtures.Images(2, 3, 64, 64);   // 64×64: layer4 is 2×2, Score-CAM's 512 forwards stay quick
            var onnxLayer = LayerLocator.DefaultLayer(onnx, [1, 3, 64, 64]);
            ICamTarget[] targets = [new ClassLogitTarget(3), new ClassLogitTarget(500)];
            Assert.Equal(23, CamMethods.All.Count);
            // CAM reads the classifier's Linear module, which an ONNX graph (a Gemm node) does not have: it says so.
            Assert.Contains("(a Linear layer) after global pooling; this model has none",
                Assert.Throws<ArgumentException>(() => CamMethods.Create("cam", onnx, [onnxLayer]).Explain(images, targets)).Message);
            // IS-CAM and SS-CAM run 10 and 35 times Score-CAM's masked forwards through the same scoring path as Score-CAM,
            // which is compared below; they are left out for time.
            string[] notRun = ["cam", "iscam", "sscam"];
            // These draw random numbers, different in the two runs: they must run, but cannot agree.
            string[] randomised = ["randomcam", "smoothgradcam++"];
            foreach (var info in CamMethods.All.Where(m => !notRun.Contains(m.Name)))
            {
                using var actual = CamMethods.Create(info.Name, onnx, [onnxLayer]).Explain(images, targets);
                // FEM's threshold μ + 2σ cannot be exceeded on layer4's 2×2 positions here (the largest z-score among 4
                // values is √3): its map is all zero, correctly.
                if (info.Name == "fem")
                {
                    Assert.Equal(0, actual.Maps.abs().max().item<float>());
                    continue;
                }
                Assert.True(actual.Maps.isfinite().all().item<bool>() && actual.Maps.max().item<float>() > 0, $"{info.Name}: no map");
                if (randomised.Contains(info.Name)) continue;
                // TorchSharp's torchvision BasicBlock applies its second ReLU functionally, so on the zoo resnet18 Guided
                // Backprop guides 9 of the 17 ReLUs; the ONNX graph has all 17 as modules, as torchvision's own model
                // (one nn.ReLU called twice per block) has for pytorch-grad-cam. The guided methods cannot agree here.
                if (info.Name.StartsWith("guided", StringComparison.Ordinal)) continue;
                using var expected = CamMethods.Create(info.Name, zoo, ["layer4"]).Explain(images, targets);
                Assert.True(expected.Maps.max().item<float>() > 0, $"{info.Name}: the zoo map is all zero; the comparison would prove nothing");
                TensorAssert.Close(expected.Maps, actual.Maps, MapTolerance, info.Name);
            }
        }
    }

    [Fact]
    public void Gradcam_at_224_matches_the_zoo_model()
    {
        using var folder = new TempFolder();
        var (onnx, zoo) = Pair(folder);
        using (onnx) using (zoo)
        {
            using var scope = NewDisposeScope();
            var images = OnnxFixtures.Images(2, 3, 224, 224);
            using var expected = new GradCam(zoo, ["layer4"]).Explain(images);
            using var actual = new GradCam(onnx, [LayerLocator.DefaultLayer(onnx, onnx.InputShape())]).Explain(images);
            Assert.Equal(expected.Targets.Select(t => t.ClassIndex), actual.Targets.Select(t => t.ClassIndex));
            TensorAssert.Close(expected.Maps, actual.Maps, MapTolerance, "Grad-CAM maps");
            TensorAssert.Close(expected.FeatureMaps, actual.FeatureMaps, MapTolerance, "Grad-CAM 7×7 maps");
        }
    }
}
