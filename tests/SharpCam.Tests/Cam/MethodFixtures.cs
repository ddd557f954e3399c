using SharpCam.IO;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>
/// The references of issue 21's methods (tests/fixtures/cams/METHODS-REFERENCE.md, make_method_fixtures.py): set A is
/// the LeNet of ../shared/fixtures/lenet-fmnist on its 8 images (target: the predicted class, layer conv.4), set B
/// the random ResNet-18 of ../shared/fixtures/resnet18-random (classes [1, 500], layer4.1).
/// </summary>
public static class MethodFixtures
{
    public static Dictionary<string, Tensor> LeNet() => Npy.LoadArchive(RepoPaths.Fixture("cams/methods_lenet.npz"));
    public static Dictionary<string, Tensor> ResNet() => Npy.LoadArchive(RepoPaths.Fixture("cams/methods_resnet18.npz"));
    public static Dictionary<string, Tensor> Metrics() => Npy.LoadArchive(RepoPaths.Fixture("cams/methods_metrics.npz"));

    /// <summary>
    /// κ = S/R of a weighted channel sum (Float32Error.NormalisedMap): S the largest per-pixel Σ_c |w_c A_c| over the
    /// images, R the smallest range of ReLU(raw), both from the reference's own weights [N, C] and activations.
    /// </summary>
    public static double Kappa(Tensor weights, Tensor activations, Tensor raw) =>
        TermMagnitude(weights, activations) / SmallestRange(raw);

    /// <summary>The largest per-pixel Σ_c |w_c A_c|: the size of the terms of the raw map.</summary>
    public static double TermMagnitude(Tensor weights, Tensor activations) =>
        (weights.to(ScalarType.Float64).unsqueeze(-1).unsqueeze(-1) * activations.to(ScalarType.Float64)).abs().sum(1).max().item<double>();

    /// <summary>The smallest range over the images of ReLU(raw) (what min-max divides by).</summary>
    public static double SmallestRange(Tensor raw)
    {
        var r = raw.to(ScalarType.Float64).relu().flatten(1);
        return (r.amax(new long[] { 1 }) - r.amin(new long[] { 1 })).min().item<double>();
    }

    /// <summary>torch-cam's normalisation: x − min, then / (max + 1e-8) of the shifted map, per image.</summary>
    public static Tensor TorchCamNormalise(Tensor maps)
    {
        var flat = maps.flatten(1);
        var shifted = flat - flat.amin(new long[] { 1 }, keepdim: true);
        return (shifted / (shifted.amax(new long[] { 1 }, keepdim: true) + 1e-8f)).view_as(maps);
    }
}
