using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Guided Backprop against pytorch-grad-cam's GuidedBackpropReLUModel, and the model left untouched.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class GuidedBackpropTests
{
    [SharedDataFact]
    public void AttributionsMatchPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        using var model = LeNetFixture.Model();
        var method = new GuidedBackprop(model, CamFixtures.Parity);
        foreach (var (set, f, suffix, classes) in CamFixtures.LeNetCases())
        {
            using var result = method.Explain(f["images"], CamFixtures.ClassTargets(classes));
            // Input gradients (up to 1.2): back through every layer (764 terms); the forward only sets the ReLU masks.
            // Relative to the largest gradient.
            var expected = f["GuidedBackprop_" + suffix];
            TensorAssert.Close(expected, result.InputAttributions!.permute(0, 2, 3, 1), Float32Error.BetweenRuns(InputGradientChain, expected.abs().max().item<float>()),
                $"GuidedBackprop_{suffix} on set {set}");
            Assert.Empty(result.LayerMaps);
        }
    }

    [SharedDataFact]
    public void MapsAreTheNormalisedLargestMagnitudeOverChannels()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        using var result = new GuidedBackprop(model, CamFixtures.Parity).Explain(f["images"]);
        var magnitude = f["GuidedBackprop_pred"].abs().squeeze(-1).flatten(1);
        var min = magnitude.amin(new long[] { 1 }, keepdim: true);
        var expected = ((magnitude - min) / (magnitude.amax(new long[] { 1 }, keepdim: true) - min + 1e-7f)).view(8, 28, 28);
        // |gradient| normalised by its range: one term per pixel, so κ = max|g| / range = 1 (the minimum is 0 or near it).
        TensorAssert.Close(expected, result.Maps, Float32Error.NormalisedMap(InputGradientChain, 1), "guided backprop saliency map");
    }

    [SharedDataFact]
    public void TheModelKeepsItsOrdinaryBackward()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        using var model = LeNetFixture.Model();
        var before = InputGradient(model, f["images"], f["pred"]);
        using (var result = new GuidedBackprop(model).Explain(f["images"], CamFixtures.ClassTargets(f["pred"])))
            Assert.True((result.InputAttributions! - before).abs().max().item<float>() > 0.01f, "guided and plain gradients should differ");
        // Equal up to kernel choice; a guided backward left behind would differ by far more (the assertion above: over
        // 0.01).
        var scale = Math.Max(1.0, before.abs().max().item<float>());
        TensorAssert.Close(before, InputGradient(model, f["images"], f["pred"]), Float32Error.BetweenRuns(Float32Error.ForwardChain(model), scale),
            "plain input gradient after Guided Backprop");
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    /// <summary>
    /// LeNet's backward from a logit to the input: a linear's input gradient sums over its outputs (10, 84, 120), a
    /// convolution's over its output channels and taps (16×5×5 = 400 for conv.3, 6×5×5 = 150 for conv.0).
    /// </summary>
    private const int InputGradientChain = 10 + 84 + 120 + 400 + 150;

    private static Tensor InputGradient(TorchSharp.torch.nn.Module<Tensor, Tensor> model, Tensor images, Tensor classes)
    {
        var x = images.detach().requires_grad_();
        var score = model.call(x).gather(1, classes.unsqueeze(1)).sum();
        autograd.backward(score, inputs: new[] { x });
        return x.grad!.detach().clone();
    }
}
