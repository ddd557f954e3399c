using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Guided Backprop against pytorch-grad-cam's GuidedBackpropReLUModel, and the model left untouched.</summary>
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
            // Raw input gradients up to 1.2 in magnitude; float32 sums over the whole network: 1e-5 (measured ≤ 1e-6).
            TensorAssert.Close(f["GuidedBackprop_" + suffix], result.InputAttributions!.permute(0, 2, 3, 1), 1e-5, $"GuidedBackprop_{suffix} on set {set}");
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
        TensorAssert.Close(expected, result.Maps, 1e-5, "guided backprop saliency map");
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
        TensorAssert.Close(before, InputGradient(model, f["images"], f["pred"]), 0, "plain input gradient after Guided Backprop");
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    private static Tensor InputGradient(TorchSharp.torch.nn.Module<Tensor, Tensor> model, Tensor images, Tensor classes)
    {
        var x = images.detach().requires_grad_();
        var score = model.call(x).gather(1, classes.unsqueeze(1)).sum();
        autograd.backward(score, inputs: new[] { x });
        return x.grad!.detach().clone();
    }
}
