using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// The gradient a CAM takes through a convolution, against its closed form: the input gradient of conv2d(x, w) for an
/// upstream gradient g is the transposed convolution of g with w, computed here as fold(wᵀ·g) (ATen's own im2col, no
/// oneDNN). libtorch's oneDNN backward-data was once seen getting this wrong on an AVX-512 machine (errors of ~10 on
/// values of ~50, NaN, different on every call; docs/ONEDNN-BACKWARD.md): the engine then takes its columns path
/// (SharpCam.Cam.ConvolutionGradients), which this test also runs directly, so both paths are held to the closed form.
/// </summary>
[Collection(GlobalTorchRandom.Name)]
public class ConvolutionBackwardTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(6, false)]
    [InlineData(1, true)]
    [InlineData(6, true)]
    [InlineData(3, true, true)]
    public void InputGradientsThroughAConvolutionAreConvTranspose(int channels, bool columnsPath, bool inPlaceRelu = false)
    {
        SharpCam.Cam.ConvolutionGradients.ForceColumns.Value = columnsPath;   // this test's flow only
        try
        {
            using var scope = NewDisposeScope();
            manual_seed(3);
            var model = nn.Sequential(("conv", nn.Conv2d(channels, 6, 5)), ("relu", nn.ReLU(inPlaceRelu)));   // in place as VGG's: the columns node's output must allow it
            model.eval();
            var x = randn(16, channels, 28, 28);
            // Guided Backprop's input gradients run the backward through the conv: here through the CAM engine itself.
            var cam = new SharpCam.Cam.GuidedBackprop(model);
            var targets = Enumerable.Range(0, 16).Select(_ => (SharpCam.Targets.ICamTarget)new SummedOutput()).ToList();
            using var result = cam.Explain(x, targets);
            var attributions = result.InputAttributions!;
            var conv = (TorchSharp.Modules.Conv2d)model.named_children().First().module;
            using (no_grad())
            {
                var y = conv.call(x);
                var upstream = (y > 0).to(ScalarType.Float32);   // the guided ReLU passes the positive ones of a ones gradient where y > 0
                var columns = matmul(conv.weight!.reshape(6, -1).t(), upstream.reshape(16, 6, -1));   // [16, c·25, 24·24]
                var expected = nn.functional.fold(columns, 28, 5);
                // Each input gradient sums at most 6·5·5 = 150 products of O(1) terms: float32 order differences stay below
                // 150·2^-24·max|w| ≈ 1e-5 for these weights (|w| ≤ 1/√(25c)); 1e-4 allows ten times that.
                TensorAssert.Close(expected, attributions, 1e-4);
            }
        }
        finally { SharpCam.Cam.ConvolutionGradients.ForceColumns.Value = false; }
    }

    /// <summary>The sum of the model's output for one image: every output element gets gradient 1.</summary>
    private sealed class SummedOutput : SharpCam.Targets.ICamTarget
    {
        public Tensor Score(Tensor output) => output.sum();
        public int? ClassIndex => null;
        public string Describe() => "sum of the output";
    }
}
