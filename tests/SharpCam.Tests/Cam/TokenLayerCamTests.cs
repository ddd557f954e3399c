using SharpCam.Cam;
using SharpCam.Layers;
using SharpCam.Models.Zoo;
using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Cam;

/// <summary>
/// Every method on transformer layers, through the layouts the models declare: a small ViT (32×32 input, 8×8 patches,
/// a 4×4 grid of 16-channel tokens after a class token) and a small Swin (channels-last 4×4 at its final norm).
/// </summary>
public class TokenLayerCamTests
{
    private const string VitLayer = "encoder.layers.encoder_layer_1.ln_1";

    private static Module<Tensor, Tensor> SmallVit()
    {
        manual_seed(3);
        var model = new VisionTransformer(32, 8, 2, 2, 16, 32, 5);
        model.eval();
        return model;
    }

    private static Module<Tensor, Tensor> SmallSwin()
    {
        manual_seed(3);
        var model = new SwinTransformer(8, [2, 2], [1, 2], 2, v2: false, numClasses: 5);
        model.eval();
        return model;
    }

    // The original CAM is left out: it is defined only on the layer that feeds global pooling and the linear classifier
    // directly, and refuses any other layer in one line (ClassActivationMapTests).
    public static TheoryData<string> LayerMethods =>
        new(CamMethods.All.Where(m => m.UsesTargetLayers && m.Name is not ("guided-gradcam" or "cam")).Select(m => m.Name));

    [Theory]
    [MemberData(nameof(LayerMethods))]
    public void EveryLayerMethodGivesAGridMapOnViTAndSwinLayers(string method)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var input = randn(2, 3, 32, 32);
        foreach (var (model, layer) in new[] { (SmallVit(), VitLayer), (SmallSwin(), "norm") })
        using (model)
        {
            using var result = CamMethods.Create(method, model, [layer], new CamOptions { BatchSize = 8 }).Explain(input);
            Assert.Equal(new long[] { 2, 4, 4 }, result.LayerMaps[layer].shape);
            Assert.Equal(new long[] { 2, 32, 32 }, result.Maps.shape);
            Assert.False(result.Maps.isnan().any().item<bool>(), $"{method} on {layer}: NaN in the map");
        }
    }

    /// <summary>
    /// Ablation-CAM writes each ablated feature map back into the tokens, keeping the class token: its raw map equals
    /// Σ_c (s − s_c)/s · A_c with s_c computed here by zeroing channel c of the patch tokens by hand.
    /// </summary>
    [Fact]
    public void AblationOnTokensKeepsTheClassTokenAndAblatesOneChannelOfEveryPatch()
    {
        using var scope = NewDisposeScope();
        using var model = SmallVit();
        manual_seed(5);
        var input = randn(1, 3, 32, 32);
        var target = new ClassLogitTarget(2);
        using var result = new AblationCam(model, [VitLayer]).Explain(input, [target]);

        var module = LayerLocator.Find(model, VitLayer);
        Tensor Score(Func<Tensor, Tensor>? change)
        {
            using var hook = change is null ? null : new HookRemoval(module.register_forward_hook((_, _, output) => change(output)).remove);
            using var noGrad = no_grad();
            return model.call(input)[0, 2];
        }
        Tensor? tokens = null;
        Score(o => { tokens = o.clone(); return o; });
        var a = ActivationLayout.Tokens(1, 4, 4).ToFeatureMap(tokens!, VitLayer);   // [1, 16, 4, 4]
        var value = a.min().item<float>() - 1e7f;   // the library's ablation value where the minimum is not 0 (LayerNorm outputs)
        var s = Score(null);
        var expected = zeros(1, 4, 4);
        for (int c = 0; c < 16; c++)
        {
            var channel = c;
            var sc = Score(o =>
            {
                var ablated = o.clone();
                ablated[.., 1.., channel] = value;   // every patch token, class token untouched
                return ablated;
            });
            expected += (s - sc) / s * a[0, c];
        }
        Assert.True(expected.allclose(result.RawLayerMaps[VitLayer], rtol: 1e-4, atol: 1e-5),
            $"max difference {(expected - result.RawLayerMaps[VitLayer]).abs().max().item<float>()}");
    }

    [Fact]
    public void GuidedBackpropAndFullGradRefuseTransformersInOneLine()
    {
        using var model = SmallVit();
        var guided = Assert.Throws<NotSupportedException>(() => new GuidedBackprop(model));
        Assert.Contains("GELU", guided.Message);
        Assert.Throws<NotSupportedException>(() => new GuidedGradCam(model, [VitLayer]));
        var fullGrad = Assert.Throws<NotSupportedException>(() => new FullGrad(model));
        Assert.Contains("LayerNorm", fullGrad.Message);
    }

    /// <summary>Swin V2's position-bias MLP outputs [1, 2w−1, 2w−1, heads]: 4-D, but no image grid.</summary>
    [Fact]
    public void ALayerWithoutAnImageGridIsRefusedNotReadAsChannelsFirst()
    {
        using var scope = NewDisposeScope();
        using var model = new SwinTransformer(8, [2, 2], [1, 2], 2, v2: true, numClasses: 5);
        model.eval();
        var error = Assert.Throws<ArgumentException>(() => new GradCam(model, ["features.1.0.attn.cpb_mlp"]).Explain(randn(1, 3, 32, 32)));
        Assert.Contains("window", error.Message);
    }

    [Fact]
    public void TheLayerListShowsTheGridEachTokenLayerGives()
    {
        using var model = SmallVit();
        var layers = LayerLocator.List(model, [1, 3, 32, 32]);
        Assert.Equal(new long[] { 1, 17, 16 }, layers.Single(l => l.Name == VitLayer).OutputShape);
        Assert.Equal(new long[] { 1, 16, 4, 4 }, layers.Single(l => l.Name == VitLayer).FeatureMapShape);
        Assert.Null(layers.Single(l => l.Name == "heads.head").FeatureMapShape);
    }

    private sealed class HookRemoval(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
