using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>The product's own sign rule for the first principal component.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class EigenProjectionTests
{
    [SharedDataFact]
    public void ProjectionIsNumpysUpToSignAndCorrelatesWithTheChannelSum()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var activations = f["GradCAM_acts_pred"];
        var projection = EigenProjection.FirstComponent(activations);
        // |X v| = |X vt0| whatever the sign; the activations' chain, conditioned by their singular gap.
        TensorAssert.Close(f["EigenCAM_raw"].abs(), projection.abs(), Float32Error.Projection(activations, Float32Error.LeNetToConv4).Projection, "|projection|");
        var channelSum = activations.sum(1).flatten(1);
        var p = projection.flatten(1);
        var covariance = ((p - p.mean(new long[] { 1 }, keepdim: true)) * (channelSum - channelSum.mean(new long[] { 1 }, keepdim: true))).sum(1);
        Assert.All(covariance.data<float>().ToArray(), c => Assert.True(c >= 0, $"covariance with the channel sum {c} < 0"));
    }

    [Fact]
    public void NaNsCountAsZero()
    {
        using var scope = NewDisposeScope();
        var x = randn(1, 4, 3, 3, generator: new TorchSharp.torch.Generator(3));
        var withNaN = x.clone();
        withNaN[0, 1, 2, 2] = tensor(float.NaN);
        x[0, 1, 2, 2] = tensor(0f);
        // The same matrix once the NaN is read as 0, in the same process: the same kernels, identical results.
        TensorAssert.Close(EigenProjection.FirstComponent(x), EigenProjection.FirstComponent(withNaN), 0, "projection with a NaN");
    }
}
