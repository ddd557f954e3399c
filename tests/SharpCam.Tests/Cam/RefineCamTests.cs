using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Refine-CAM (Grad-CAM++ per layer, product) against pytorch-grad-cam on sets A and B.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class RefineCamTests
{
    /// <summary>
    /// Each layer's map is a Grad-CAM++ map: its terms α·ReLU(G)·A are non-negative (post-ReLU activations), so its
    /// κ = S/R = max/range of the raw map (from our own raw map: κ is a property of the data, and rounding changes it by
    /// ~1e-5 relative), with the layer's chain. The product of two [0, 1] maps moves by at most the sum of their errors,
    /// and its normalisation divides that by the product's range (from the reference's per-layer maps), ×4 as
    /// Float32Error.NormalisedMap.
    /// </summary>
    private static void AssertMatches(CamResult result, Tensor perLayer, Tensor final, string[] layers, int[] chains, Func<Tensor, Tensor> sample, string set)
    {
        double sum = 0;
        for (int l = 0; l < layers.Length; l++)
        {
            var raw = result.RawLayerMaps[layers[l]];
            var kappa = raw.max().item<float>() / MethodFixtures.SmallestRange(raw);
            var tolerance = Float32Error.NormalisedMap(chains[l], kappa);
            sum += tolerance;
            var ours = CamMethod.FuseLayerMaps(new Dictionary<string, Tensor> { [layers[l]] = raw }, new[] { result.Maps.shape[1], result.Maps.shape[2] }, MapNormalization.MinMax).Maps;
            TensorAssert.Close(perLayer[.., l], sample(ours), tolerance, $"RefineCAM {layers[l]} ({set})");
        }
        var product = (perLayer[.., 0] * perLayer[.., 1]).to(ScalarType.Float64).flatten(1);
        var range = (product.amax(new long[] { 1 }) - product.amin(new long[] { 1 })).min().item<double>();
        TensorAssert.Close(final, sample(result.Maps), 4 * sum / range, $"RefineCAM ({set})");
    }

    [SharedDataFact]
    public void LeNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        var layers = new[] { "conv.1", "conv.4" };
        using var result = new RefineCam(model, layers, CamFixtures.Parity).Explain(f["images"]);
        // conv.1: activations (25), the gradient back through conv.4 (16·5·5 = 400 terms) and the linears (214), cubed
        // (×3), the sums over 24×24 and 6 channels, the upsampling; conv.4: Grad-CAM++'s LeNetConv4Cam.
        var conv1 = 25 + 3 * (400 + Float32Error.LeNetGradientAtConv4) + 576 + 6 + 4;
        AssertMatches(result, m["RefineCAM_per_layer"], m["RefineCAM"], layers, new[] { conv1, Float32Error.LeNetConv4Cam }, t => t, "A");
    }

    /// <summary>Set B stores the 224×224 maps subsampled [:, ::8, ::8]; both layers use the whole forward chain (an overestimate).</summary>
    [SharedDataFact]
    public void ResNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = CamFixtures.ResNetCams();
        var m = MethodFixtures.ResNet();
        using var model = CamFixtures.ResNet18();
        var layers = new[] { "layer3.1", "layer4.1" };
        using var result = new RefineCam(model, layers, CamFixtures.Parity).Explain(f["inputs"], CamFixtures.ClassTargets(f["target_classes"]));
        var chain = Float32Error.ForwardChain(model) + 196 + 512 + 4;
        var every8 = arange(0, 224, 8);
        AssertMatches(result, m["RefineCAM_per_layer"], m["RefineCAM"], layers, new[] { chain, chain },
            t => t.index_select(1, every8).index_select(2, every8), "B");
    }
}
