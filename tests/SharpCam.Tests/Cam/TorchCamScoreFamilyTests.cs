using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// torch-cam's IS-CAM and SS-CAM on set A (LeNet conv.4, predicted classes), compared at feature resolution after
/// torch-cam's normalisation, as torch-cam returns them.
/// </summary>
/// <remarks>
/// Tolerance: a channel's score is a logit of a masked input, within Δs = BetweenRuns(LeNet's logits chain + the
/// mask's bilinear 4 terms, M) where M is the largest |logit| over the scored inputs (measured on the inputs with the
/// largest coefficient, or on the first noise draw and doubled for the other 34); softmax turns that into a relative
/// error ≤ 2Δs of each weight; the raw map sums 16 non-negative terms (post-ReLU activations, softmax weights), so its
/// relative error is ε = 2Δs + BetweenRuns(175 + 16) and the normalised map's 4·ε·max/range (κ of the reference raw map).
/// </remarks>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class TorchCamScoreFamilyTests
{
    private static readonly long[] Size = { 28, 28 };

    private static double ScoreScale(Tensor images, Tensor maskVariant, SharpCam.Models.LeNet model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inputs = (images.unsqueeze(1) * maskVariant.unsqueeze(2)).flatten(0, 1);   // [N·C, 1, H, W]
        return model.call(inputs).abs().max().item<float>();
    }

    private static void AssertMatches(Tensor acts, Tensor weights, Tensor referenceMap, CamResult result, double scoreScale, string what)
    {
        var epsilon = 2 * Float32Error.BetweenRuns(Float32Error.LeNetLogits + 4, scoreScale) + Float32Error.BetweenRuns(Float32Error.LeNetToConv4 + 16);
        var rawReference = (weights.unsqueeze(-1).unsqueeze(-1) * acts).sum(1);
        var max = rawReference.max().item<float>();
        TensorAssert.Close(rawReference, result.RawLayerMaps["conv.4"], epsilon * max, what + " raw");
        TensorAssert.Close(referenceMap, MethodFixtures.TorchCamNormalise(result.RawLayerMaps["conv.4"].relu()),
            4 * epsilon * max / MethodFixtures.SmallestRange(rawReference), what);
    }

    /// <summary>The masks alone: non-negative activations normalised by their range (κ = 1), the chain 175 + the upsampling.</summary>
    [SharedDataFact]
    public void MasksAreTorchCams()
    {
        using var scope = NewDisposeScope();
        var masks = TorchCamScoreWeights.Masks(LeNetFixture.Cams()["GradCAM_acts_pred"], Size);
        TensorAssert.Close(MethodFixtures.LeNet()["tc_ScoreCAM_masks_img0"], masks[0], Float32Error.NormalisedMap(Float32Error.LeNetToConv4 + 4, 1), "tc masks");
    }

    /// <summary>Ours integrates along i/n (the paper's path); torch-cam's accumulating coefficient gives its own output, and the two differ.</summary>
    [SharedDataFact]
    public void IsCamMatchesThePathAndTorchCamsCoefficients()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        var acts = f["GradCAM_acts_pred"];
        var masks = TorchCamScoreWeights.Masks(acts, Size);
        var targets = CamFixtures.ClassTargets(f["pred"]);
        using var paper = new IsCam(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"], targets);
        AssertMatches(acts, m["tc_ISCAM_paper_weights"], m["tc_ISCAM_paper"], paper, ScoreScale(f["images"], masks, model), "IS-CAM (path i/n)");

        var cumulative = m["tc_ISCAM_coefficients"].data<float>().ToArray();
        var torchCam = new IsCam(model, new[] { "conv.4" }, CamFixtures.Parity) { Coefficients = _ => cumulative };
        using var reference = torchCam.Explain(f["images"], targets);
        AssertMatches(acts, m["tc_ISCAM_weights"], m["tc_ISCAM"], reference, ScoreScale(f["images"], masks * cumulative.Max(), model), "IS-CAM (torch-cam's coefficients)");

        var difference = (MethodFixtures.TorchCamNormalise(paper.RawLayerMaps["conv.4"].relu()) - m["tc_ISCAM"]).abs().max().item<float>();
        Assert.True(difference > 0.1, $"the path and torch-cam's coefficients should give different maps; max difference {difference}");
    }

    /// <summary>
    /// torch-cam's Weyl stream (METHODS-REFERENCE.md): element i of one call's stream is 2·√2·erfinv(2u − 1),
    /// u = frac((i + 1)·0.6180339887498949), in float64, cast to float32; draw j starts at j·(8·16·28·28).
    /// </summary>
    [SharedDataFact]
    public void SsCamMatchesWithTorchCamsDeterministicNoise()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        long offset = 0;
        Tensor Weyl(long[] shape, float std)
        {
            var count = shape.Aggregate(1L, (a, b) => a * b);
            var product = (arange(offset + 1, offset + count + 1, dtype: ScalarType.Float64)) * 0.6180339887498949;
            offset += count;
            var u = product - product.floor();
            return (std * Math.Sqrt(2) * special.erfinv(2 * u - 1)).to(ScalarType.Float32).view(shape);
        }
        var method = new SsCam(model, new[] { "conv.4" }, CamFixtures.Parity) { DrawNoise = Weyl };
        using var result = method.Explain(f["images"], CamFixtures.ClassTargets(f["pred"]));
        var acts = f["GradCAM_acts_pred"];
        offset = 0;
        var firstDraw = TorchCamScoreWeights.Masks(acts, Size) + Weyl(new long[] { 8, 16, 28, 28 }, 2);
        AssertMatches(acts, m["tc_SSCAM_weyl_weights"], m["tc_SSCAM_weyl"], result, 2 * ScoreScale(f["images"], firstDraw, model), "SS-CAM (Weyl noise)");
    }
}
