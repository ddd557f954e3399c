using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>FEM against pytorch-grad-cam's (set A end to end; set B's weight rule on the reference activations).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class FemTests
{
    /// <summary>
    /// The weights are fractions of positions above μ + 2σ, exact unless an activation's rounding crosses the threshold:
    /// the closest activation of a non-constant channel lies 8.3e-4 of its channel's maximum from it (computed from the
    /// fixture's conv.4 activations), 60× the activations' error 2·8√175·u = 1.3e-5, so the weights must be equal.
    /// The raw map sums 16 non-negative terms (post-ReLU activations, weights ≥ 0): relative error of the chain 175 + 16
    /// against the map's largest value; the map's κ = max/range of the raw map (all terms positive, S = max).
    /// </summary>
    [SharedDataFact]
    public void LeNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        using var result = new Fem(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"]);
        TensorAssert.Close(m["FEM_weights"], Fem.Weights(f["GradCAM_acts_pred"]).flatten(1), 0, "FEM_weights on the reference activations");
        var chain = Float32Error.LeNetToConv4 + 16;
        var raw = m["FEM_raw"];
        TensorAssert.Close(raw, result.RawLayerMaps["conv.4"], Float32Error.BetweenRuns(chain, raw.max().item<float>()), "FEM_raw");
        var kappa = raw.max().item<float>() / MethodFixtures.SmallestRange(raw);
        TensorAssert.Close(m["FEM"], result.Maps, Float32Error.NormalisedMap(chain + 4, kappa), "FEM");
    }

    /// <summary>
    /// ResNet's layer4 activations come within 1.9e-5 of a threshold (relative to the channel maximum), inside the
    /// forward chain's error (≈ 1.8e-4), so a weight of the full run could legitimately differ by 1/49: the weight rule is
    /// checked on the reference's own activations, where the only error is the float32 mean and std over 49 positions.
    /// </summary>
    [SharedDataFact]
    public void ResNetWeightRuleMatches()
    {
        using var scope = NewDisposeScope();
        var acts = CamFixtures.ResNetCams()["GradCAM_acts"];
        TensorAssert.Close(MethodFixtures.ResNet()["FEM_weights"], Fem.Weights(acts).flatten(1), 0, "FEM_weights (set B)");
    }
}
