using SharpCam.Cam;
using SharpCam.Images;
using SharpCam.Models;
using SharpCam.Models.Zoo;
using SharpCam.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Models;

/// <summary>ViT, Swin V1/V2 and MaxViT against torchvision 0.14 (tests/fixtures/zoo/make_transformer_fixtures.py).</summary>
public class TransformerZooTests
{
    public static TheoryData<string> Builders => new(TransformerFixtures.BuilderNames);

    /// <summary>
    /// Every builder has torchvision's state-dict keys, shapes and parameter count, so its weight files load key for key.
    /// ViT-L and ViT-H (1.2 and 2.5 GB) are built on the meta device: shapes without memory.
    /// </summary>
    [Theory]
    [MemberData(nameof(Builders))]
    public void KeysShapesAndParameterCountAreTorchvisions(string name)
    {
        var reference = TransformerFixtures.Builder(name);
        using var model = name is "vit_l_16" or "vit_l_32" or "vit_h_14"
            ? VisionTransformer.Create(name, 1000, META)
            : ModelZoo.Get(name).Create();
        var own = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(reference.StateDict.Select(kv => kv.Key).Order(), own.Keys.Order());
        foreach (var (key, shape) in reference.StateDict) Assert.True(shape.SequenceEqual(own[key]), $"{name} {key}: [{string.Join(", ", own[key])}], torchvision [{string.Join(", ", shape)}]");
        Assert.Equal(reference.Parameters, model.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData("vit_b_16", "encoder.layers.encoder_layer_11.ln_1", 14)]
    [InlineData("vit_b_32", "encoder.layers.encoder_layer_11.ln_1", 7)]
    [InlineData("swin_t", "norm", 7)]
    [InlineData("swin_v2_t", "norm", 8)]
    [InlineData("maxvit_t", "blocks.3", 7)]
    public void TheDefaultLayerIsAFeatureMapAtTheTrainedSize(string name, string layer, long side)
    {
        var spec = ModelZoo.Get(name);
        Assert.Equal(layer, spec.DefaultLayer);
        using var model = spec.Create();
        var info = SharpCam.Layers.LayerLocator.List(model, spec.InputShape()).Single(l => l.Name == layer);
        Assert.Equal(new[] { side, side }, info.FeatureMapShape![2..]);
    }
}

/// <summary>
/// vit_b_16, swin_t, swin_v2_t (at 224, where its windows pad and mask) and maxvit_t with formula weights on the chelsea
/// photo: logits and Grad-CAM at the default layer equal PyTorch's, the maps as pytorch-grad-cam computes them with
/// the reshape_transform its tutorials give (done here by the models' declared layouts).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class TransformerParityTests
{
    /// <remarks>
    /// Tolerances from <see cref="Float32Error"/>. The forward chain n adds to the fan-ins of every convolution and linear
    /// (<see cref="Float32Error.ForwardChain"/>) the reductions the transformers add: per LayerNorm its mean and variance
    /// over C (2C terms; the normalisation is scale-free, so the input's relative error passes through it), per attention
    /// the q·k products (head dim d), the soft-max denominator and the attention-weighted sum of values (T tokens each,
    /// counted once as T: the denominator's relative error cancels in the weights' ratio to first order), and ViT's
    /// in_proj (a parameter, not a Linear: C). The soft-max's exp turns the attention logits' absolute error into a
    /// relative one; with formula weights the logits are O(1) (q, k are LayerNorm outputs times He-uniform weights), so
    /// that is the d-term already counted. Logits: 2·min(n, 8√n)·u × max|logit|. Raw maps Σ_c w_c·A_c: the activations'
    /// chain and the gradient's (both bounded by n), the mean over h·w and the sum over C, relative to
    /// S = max over pixels of Σ_c |w_c·A_c| (measured on our own pass); divide-by-max maps: 4× that / max(ReLU(raw)).
    /// </remarks>
    [Theory]
    [InlineData("vit_b_16", 197)]
    [InlineData("swin_t", 49)]
    [InlineData("swin_v2_t", 64)]
    [InlineData("maxvit_t", 49)]
    public void LogitsAndGradCamAreTorchvisionsThroughTheReshapeTransform(string name, int tokens)
    {
        using var scope = NewDisposeScope();
        var reference = TransformerFixtures.Parity(name);
        var spec = ModelZoo.Get(name);
        Assert.Equal(reference.Layer, spec.DefaultLayer);
        using var model = spec.Create();
        FormulaWeights.Fill(model);
        var input = spec.Preprocessing(224).ToTensor(ImageFile.Read(ZooFixtures.Image("resized/chelsea_224.png"))).unsqueeze(0);
        using var result = new GradCam(model, [spec.DefaultLayer]).Explain(input);

        var chain = ForwardChain(model, tokens);
        var logits = tensor(reference.Logits).unsqueeze(0);
        var scale = Math.Max(1.0, logits.abs().max().item<float>());
        TensorAssert.Close(logits, result.Logits, Float32Error.BetweenRuns(chain, scale), $"{name} logits (n = {chain}, scale {scale:G3})");
        Assert.Equal(reference.Class, result.Targets[0].ClassIndex);

        var (c, h, w) = (reference.FeatureMapShape[1], reference.FeatureMapShape[2], reference.FeatureMapShape[3]);
        var recorded = new ActivationRecorder(model, [spec.DefaultLayer])
            .Run(input, GradientScope.TargetLayers, null, (l, _) => l[0, reference.Class]).Captures[0];
        Assert.Equal(reference.FeatureMapShape, recorded.Activations.shape);
        var terms = (recorded.RequireGradients().mean([2, 3], keepdim: true) * recorded.Activations).abs().sum(1).max().item<float>();
        var rawTolerance = Float32Error.BetweenRuns(2 * chain + (int)(h * w + c)) * terms;
        TensorAssert.Close(tensor(reference.Raw, [1, h, w]), result.RawLayerMaps[spec.DefaultLayer], rawTolerance, $"{name} raw Grad-CAM");
        var peak = tensor(reference.Raw).relu().max().item<float>();
        TensorAssert.Close(tensor(reference.GradCam, [1, h, w]), result.LayerMaps[spec.DefaultLayer], 4 * rawTolerance / peak, $"{name} Grad-CAM");
    }

    /// <summary>
    /// <see cref="Float32Error.ForwardChain"/> plus each LayerNorm's 2C and each attention's d + T (+ C for ViT's
    /// in_proj); the head dims of the tested builders: vit_b_16 768/12 = 64, Swin-T 96/3 = 32, MaxViT-T 32.
    /// </summary>
    private static int ForwardChain(Module model, int tokens) =>
        Float32Error.ForwardChain(model) + model.modules().Sum(m => m switch
        {
            LayerNorm norm => 2 * (int)norm.weight!.shape[0],
            _ when m.GetType().Name is "SelfAttention" => (int)m.named_parameters().Single(p => p.name == "in_proj_weight").parameter.shape[1] + 64 + tokens,
            _ when m.GetType().Name is "ShiftedWindowAttention" or "RelativePositionalAttention" => 32 + tokens,
            _ => 0,
        });
}
