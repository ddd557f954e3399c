using SharpCam.Cam;
using SharpCam.Models;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Cam;

/// <summary>
/// The two public bases, written from outside the library: a channel method (<see cref="InputBrightnessCam"/>) and a
/// whole-pass method (<see cref="InputSaliency"/>); the registry's names come from the methods; the default layer.
/// </summary>
public class CamBasesTests
{
    /// <summary>Plain saliency (Simonyan et al., 2014): max over colour channels of |∂score/∂x|, as a whole pass.</summary>
    private sealed class InputSaliency(Module<Tensor, Tensor> model) : WholePassCamMethod(model, Array.Empty<string>(), null)
    {
        public override string Name => "input-saliency";

        protected override PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
        {
            var (recorded, chosen) = Record(input, targets, GradientScope.Input);
            var maps = MapNormalizer.Normalize(recorded.InputGradient!.abs().amax(new long[] { 1 }), Options.Normalization);
            var none = new Dictionary<string, Tensor>();
            return new PassResult(recorded.Logits, chosen, maps, none, none, recorded.InputGradient);
        }
    }

    [Fact]
    public void AWholePassMethodWrittenOutsideTheLibraryGivesTheInputGradient()
    {
        using var model = new LeNet();
        model.eval();
        using var input = randn(2, 1, 28, 28);
        using var result = new InputSaliency(model).Explain(input);

        // The reference: autograd on the same model, each image's top logit.
        using var leaf = input.detach().requires_grad_();
        using var logits = model.call(leaf);
        var top = logits.argmax(1);
        logits.gather(1, top.unsqueeze(1)).sum().backward();
        var expected = leaf.grad!.abs().amax(new long[] { 1 });
        expected = expected / expected.amax(new long[] { 1, 2 }, keepdim: true);
        // The two backward passes may run different conv kernels (the recorder's pass starts under no_grad), so their
        // sums are ordered differently: a float32 sum of n terms is off by at most n·ε·Σ|terms|. LeNet's largest fan-in
        // is 16·5·5 = 400 terms, so 400 × 1.2e-7 ≈ 5e-5 relative to the map's maximum, which normalisation makes 1.
        Assert.True(allclose(result.Maps, expected, rtol: 0, atol: 5e-5));
        Assert.Equal("input-saliency", result.Method);
    }

    [Fact]
    public void AChannelMethodWrittenOutsideTheLibraryRuns()
    {
        using var model = new LeNet();
        using var result = new InputBrightnessCam(model).Explain(rand(1, 1, 28, 28));
        Assert.Equal(new long[] { 1, 28, 28 }, result.Maps.shape);
        Assert.Equal(InputBrightnessCam.MethodName, result.Method);
    }

    [Fact]
    public void WithoutLayersAMethodUsesTheModelsDefaultLayer()
    {
        using var model = new LeNet();
        model.eval();
        using var input = rand(2, 1, 28, 28);
        var automatic = new GradCam(model);
        using var a = automatic.Explain(input);
        using var b = new GradCam(model, [LeNet.DefaultTargetLayer]).Explain(input);
        Assert.Equal([LeNet.DefaultTargetLayer], automatic.TargetLayers);
        Assert.True(a.Maps.equal(b.Maps).all().item<bool>());
    }

    [Fact]
    public void NamesAndLayerUseComeFromTheMethods()
    {
        using var model = new LeNet();
        Assert.Equal("gradcam", new GradCam(model).Name);
        Assert.Equal("fullgrad", new FullGrad(model).Name);
        Assert.False(CamMethods.Find("fullgrad").UsesTargetLayers);
        Assert.True(CamMethods.Find("guided-gradcam").UsesTargetLayers);
        // FullGrad records every biased layer but was asked for none: a manifest records what was asked.
        Assert.Empty(CamMethods.Create("fullgrad", model, ["conv.4"]).TargetLayers);
    }
}
