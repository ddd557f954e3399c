using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Smooth Grad-CAM++ against torch-cam on set A, with the exact noise torch-cam drew (seed 0).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class SmoothGradCamPlusPlusTests
{
    /// <summary>
    /// With torch-cam's quirks and its stored noise the map must be torch-cam's: Grad-CAM++'s chain (LeNetConv4Cam,
    /// the gradient cubed), relative to S = Σ_c |w_c A_c| from the reference's weights and last noisy activations
    /// (α can be negative: terms of both signs), plus α's own amplification: its denominator 2·g2 + Σ_hw(g3 ⊙ A) may
    /// nearly cancel, which multiplies α's relative error by κ_α = (2·g2 + Σ_hw |g3 ⊙ A|) / |2·g2 + Σ_hw(g3 ⊙ A)| per
    /// position; through w_c = Σ_hw α ⊙ ReLU(G) that adds S_α = Σ_c |A_c| · Σ_hw |α| κ_α ReLU(G_c) to the terms'
    /// magnitude (largest pixel; from the gradients and activations of the same noisy inputs, recorded here). The map's
    /// κ = (S + S_α) / R. Without the quirks (the clean activations and the averaged gradient) the map differs clearly.
    /// </summary>
    private static double AlphaTerms(SharpCam.Models.LeNet model, Tensor images, Tensor noise, IReadOnlyList<SharpCam.Targets.ICamTarget> targets, Tensor cleanActivations)
    {
        var recorder = new ActivationRecorder(model, new[] { "conv.4" });
        Tensor g2 = zeros_like(cleanActivations, dtype: ScalarType.Float64), g3 = zeros_like(g2), last = g2, lastActivations = g2;
        for (int s = 0; s < noise.shape[0]; s++)
        {
            var capture = recorder.Run(images + noise[s], GradientScope.TargetLayers, null, (_, scored) => CamMethod.TargetScores(scored, targets).sum()).Captures[0];
            var g = capture.Gradients!.to(ScalarType.Float64);
            g2 += g.square() / noise.shape[0];
            g3 += g.pow(3) / noise.shape[0];
            (last, lastActivations) = (g, capture.Activations.to(ScalarType.Float64));
        }
        var a = cleanActivations.to(ScalarType.Float64);
        var positions = new long[] { 2, 3 };
        var denominator = 2 * g2 + (g3 * a).sum(positions, keepdim: true);
        var conditioning = (2 * g2 + (g3 * a).abs().sum(positions, keepdim: true)) / denominator.abs();
        var alpha = (g2 / denominator).nan_to_num();
        var weightError = (alpha.abs() * conditioning.nan_to_num() * last.relu()).sum(positions, keepdim: true);
        return (weightError * lastActivations.abs()).sum(1).max().item<double>();
    }

    [SharedDataFact]
    public void TorchCamsQuirksReproduceItsOutputAndThePaperDiffers()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        var noise = m["tc_SmoothGradCAMpp_seed0_noise"];
        var targets = CamFixtures.ClassTargets(f["pred"]);
        Func<long[], float, Tensor> Stored()
        {
            int draw = 0;
            return (_, _) => noise[draw++];
        }
        using var torchCam = new SmoothGradCamPlusPlus(model, new[] { "conv.4" }, CamFixtures.Parity) { DrawNoise = Stored(), TorchCamQuirks = true }
            .Explain(f["images"], targets);
        var weights = m["tc_SmoothGradCAMpp_seed0_weights"];
        var acts = m["tc_SmoothGradCAMpp_seed0_last_noisy_acts"];
        var reference = (weights.unsqueeze(-1).unsqueeze(-1) * acts).sum(1);
        var s = MethodFixtures.TermMagnitude(weights, acts);
        s += AlphaTerms(model, f["images"], noise, targets, f["GradCAM_acts_pred"]);
        TensorAssert.Close(reference, torchCam.RawLayerMaps["conv.4"], Float32Error.BetweenRuns(Float32Error.LeNetConv4Cam, s), "SmoothGradCAMpp raw");
        var kappa = s / MethodFixtures.SmallestRange(reference);
        TensorAssert.Close(m["tc_SmoothGradCAMpp_seed0"], MethodFixtures.TorchCamNormalise(torchCam.RawLayerMaps["conv.4"].relu()),
            Float32Error.NormalisedMap(Float32Error.LeNetConv4Cam, kappa), "tc_SmoothGradCAMpp_seed0");

        using var paper = new SmoothGradCamPlusPlus(model, new[] { "conv.4" }, CamFixtures.Parity) { DrawNoise = Stored() }.Explain(f["images"], targets);
        var difference = (MethodFixtures.TorchCamNormalise(paper.RawLayerMaps["conv.4"].relu()) - m["tc_SmoothGradCAMpp_seed0"]).abs().max().item<float>();
        Assert.True(difference > 0.1, $"clean activations and averaged gradients should change the map; max difference {difference}");
    }
}
