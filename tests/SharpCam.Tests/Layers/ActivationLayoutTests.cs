using SharpCam.Layers;
using static TorchSharp.torch;

namespace SharpCam.Tests.Layers;

public class ActivationLayoutTests
{
    [Fact]
    public void TokensLoseTheClassTokenAndBecomeChannelsFirstInRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        var tokens = arange(2 * 7 * 3, dtype: ScalarType.Float32).view(2, 7, 3);   // [N, 1 + 2·3, C]
        var map = ActivationLayout.Tokens(1, 2, 3).ToFeatureMap(tokens, "layer");
        Assert.Equal(new long[] { 2, 3, 2, 3 }, map.shape);
        for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++)
            Assert.Equal(tokens[1, 1 + y * 3 + x, 2].item<float>(), map[1, 2, y, x].item<float>());
    }

    [Fact]
    public void AFeatureMapGoesBackIntoTokensWithTheLayersOwnClassTokenForEveryRow()
    {
        using var scope = NewDisposeScope();
        var layout = ActivationLayout.Tokens(1, 2, 3);
        var tokens = randn(1, 7, 4);
        var maps = layout.ToFeatureMap(tokens, "layer").expand(5, -1, -1, -1);   // a batch of 5 from one image
        var back = layout.FromFeatureMap(maps, tokens);
        Assert.Equal(new long[] { 5, 7, 4 }, back.shape);
        Assert.True(back.equal(tokens.expand(5, -1, -1)).all().item<bool>());
    }

    [Fact]
    public void ChannelsLastIsPermutedBothWays()
    {
        using var scope = NewDisposeScope();
        var nhwc = randn(2, 3, 4, 5);
        var map = ActivationLayout.ChannelsLast.ToFeatureMap(nhwc, "norm");
        Assert.Equal(new long[] { 2, 5, 3, 4 }, map.shape);
        Assert.Equal(nhwc[1, 2, 3, 4].item<float>(), map[1, 4, 2, 3].item<float>());
        Assert.True(ActivationLayout.ChannelsLast.FromFeatureMap(map, nhwc).equal(nhwc).all().item<bool>());
    }

    [Fact]
    public void AnOutputThatDoesNotFitItsDeclaredLayoutFailsNamingTheLayer()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => ActivationLayout.Tokens(1, 14, 14).ToFeatureMap(zeros(1, 50, 8), "encoder.ln"));
        Assert.Contains("encoder.ln", error.Message);
        Assert.Contains("197", error.Message);
        var notSpatial = Assert.Throws<ArgumentException>(() => ActivationLayout.NotSpatial("why not").ToFeatureMap(zeros(1, 8), "head"));
        Assert.Contains("why not", notSpatial.Message);
    }
}
