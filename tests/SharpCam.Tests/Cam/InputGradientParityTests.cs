using SharpCam.Cam;
using SharpCam.Models;
using SharpCam.Tests.Models;
using SharpCam.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// The guard against a wrong convolution backward (docs/ONEDNN-BACKWARD.md): the CAM engine's input gradient of a
/// class score on a real network — ResNet-18 with the formula weights, two 64×64 images — against the same gradient
/// computed in float64 (libtorch runs float64 convolutions with ATen's own kernels, never oneDNN), on both of the
/// engine's paths: whichever its start-up probe picked (libtorch's own backward where the probe passed) and the columns
/// path it falls back to. A Parity test, so CI reruns it under the default, AVX2 and AVX-512 kernels.
/// </summary>
/// <remarks>
/// Tolerance: the float32 gradient is a chain of reductions, the forward's (every convolution's and the fc's fan-in:
/// the activations and the ReLU masks it depends on) then the backward's (every convolution's fan-out O·kh·kw and the
/// fc's 1000 outputs), so n is their sum (≈ 2 × 11,000 here) and the error is within
/// <see cref="Float32Error.Relative"/>(n) ≈ 8√n·u ≈ 7e-5 of the terms' size; the float64 reference's own error is 2^-29
/// times smaller. The terms' size is taken as the largest gradient element of each image (its own sum of same-sign
/// paths near the strongest pixel), twice that for safety. A kernel that is wrong at all is off by a sizeable fraction of
/// the gradient (the error once seen: ~20%), three orders of magnitude outside.
/// </remarks>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class InputGradientParityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResNetInputGradientsEqualFloat64(bool columnsPath)
    {
        using var scope = NewDisposeScope();
        using var model = FilledResNet18();
        using var exactModel = FilledResNet18();
        exactModel.to(ScalarType.Float64);
        var image = FormulaWeights.Input(64);
        var images = cat([image, image.flip(3)], 0);
        var classes = tensor(new long[] { 1, 500 }).unsqueeze(1);
        Tensor Score(Tensor logits) => logits.gather(1, classes).sum();

        Tensor actual;
        ConvolutionGradients.ForceColumns.Value = columnsPath;   // this test's flow only
        try
        {
            var pass = new ActivationRecorder(model, []).Run(images, GradientScope.Input, null, (logits, _) => Score(logits));
            actual = pass.InputGradient!;
        }
        finally { ConvolutionGradients.ForceColumns.Value = false; }

        var x = images.to(ScalarType.Float64).requires_grad_();
        using (enable_grad()) Score(exactModel.call(x)).backward();
        var exact = x.grad!;

        int chain = Float32Error.ForwardChain(model) + BackwardChain(model);
        var magnitude = exact.abs().flatten(1).amax([1]).view(-1, 1, 1, 1);   // per image
        var bound = 2 * Float32Error.Relative(chain) * magnitude;
        var excess = ((actual.to(ScalarType.Float64) - exact).abs() - bound).max().item<double>();
        Assert.True(excess <= 0, $"input gradient off the float64 one by {excess:g3} beyond the float32 bound " +
            $"({(columnsPath ? "columns path" : ConvolutionGradients.OneDnnIsExact ? "libtorch's backward" : "columns path after a failed probe")})");
    }

    /// <summary>The backward's reductions: a convolution's input gradient sums over O·kh·kw, a linear's over its outputs.</summary>
    private static int BackwardChain(TorchSharp.torch.nn.Module model) =>
        model.modules().Sum(m => m switch
        {
            Conv2d conv => (int)(conv.weight!.shape[0] * conv.weight.shape[2] * conv.weight.shape[3]),
            Linear linear => (int)linear.weight!.shape[0],
            _ => 0,
        });

    private static TorchSharp.torch.nn.Module<Tensor, Tensor> FilledResNet18()
    {
        var model = ModelZoo.Get("resnet18").Create(1000);
        FormulaWeights.Fill(model);
        model.eval();
        return model;
    }
}
