using SharpCam.Cam;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>KPCA-CAM against pytorch-grad-cam (scikit-learn's KernelPCA, dense solver, sign by svd_flip).</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class KpcaCamTests
{
    /// <summary>
    /// The bound on the projection v·√λ of each image, from the reference's own activations (float64): X [n, C] carries
    /// the chain's relative error ε and the product X Xᵀ adds C·u, so each kernel entry moves by at most
    /// (2ε + C·u)·(|X||X|ᵀ)_ij / C (tanh′ ≤ 1), and double centring (a projection, norm 1) does not enlarge it; the
    /// symmetric eigensolver adds a backward error taken as n·u·‖Kc‖_F (generous). With δ twice that Frobenius norm
    /// (both runs), Davis–Kahan moves v by √2·δ/(λ₁ − λ₂) and Weyl λ by δ, so |Δ(v√λ)| ≤ √2·δ·√λ₁/(λ₁ − λ₂) + δ/(2√λ₁).
    /// The map's bound is 4× that over the range of ReLU of the reference projection, as Float32Error.NormalisedMap.
    /// </summary>
    private static (double Projection, double Map) Bounds(Tensor activations, Tensor referenceRaw, int chain)
    {
        double projection = 0, map = 0;
        for (long i = 0; i < activations.shape[0]; i++)
        {
            using var scope = NewDisposeScope();
            var c = activations.shape[1];
            var x = activations[i].to(ScalarType.Float64).reshape(c, -1).t();
            x -= x.mean(new long[] { 0 }, keepdim: true);
            var n = x.shape[0];
            var k = (x.matmul(x.t()) / c + 1).tanh();
            var kc = k - k.mean(new long[] { 0 }, keepdim: true) - k.mean(new long[] { 1 }, keepdim: true) + k.mean();
            var lambda = linalg.eigvalsh(kc).data<double>().ToArray();
            var (l1, l2) = (lambda[^1], lambda[^2]);
            var entries = (2 * Float32Error.Relative(chain) + c * Float32Error.U) * (x.abs().matmul(x.abs().t()) / c).norm().item<double>();
            var delta = 2 * (entries + n * Float32Error.U * kc.norm().item<double>());
            var bound = Math.Sqrt(2) * delta * Math.Sqrt(l1) / (l1 - l2) + delta / (2 * Math.Sqrt(l1));
            var r = referenceRaw[i].to(ScalarType.Float64).relu();
            projection = Math.Max(projection, bound);
            map = Math.Max(map, 4 * bound / (r.max() - r.min()).item<double>());
        }
        return (projection, map);
    }

    [SharedDataFact]
    public void LeNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Cams();
        var m = MethodFixtures.LeNet();
        using var model = LeNetFixture.Model();
        using var result = new KpcaCam(model, new[] { "conv.4" }, CamFixtures.Parity).Explain(f["images"]);
        var (projection, map) = Bounds(f["GradCAM_acts_pred"], m["KPCACAM_raw"], Float32Error.LeNetToConv4);
        TensorAssert.Close(m["KPCACAM_raw"], result.RawLayerMaps["conv.4"], projection, "KPCACAM_raw");
        TensorAssert.Close(m["KPCACAM"], result.Maps, map, "KPCACAM");
    }

    [SharedDataFact]
    public void ResNetMatchesPytorchGradCam()
    {
        using var scope = NewDisposeScope();
        var f = CamFixtures.ResNetCams();
        using var model = CamFixtures.ResNet18();
        using var result = new KpcaCam(model, new[] { "layer4.1" }, CamFixtures.Parity).Explain(f["inputs"]);
        var reference = MethodFixtures.ResNet()["KPCACAM_raw"];
        var (projection, _) = Bounds(f["GradCAM_acts"], reference, Float32Error.ForwardChain(model));
        TensorAssert.Close(reference, result.RawLayerMaps["layer4.1"], projection, "KPCACAM_raw (set B)");
    }
}
