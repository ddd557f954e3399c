using SharpCam.Cam;
using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Tests.Cam;

/// <summary>Shared pieces of the CAM parity tests: reference fixtures, models, sign alignment, rank correlation.</summary>
public static class CamFixtures
{
    /// <summary>pytorch-grad-cam normalises by min-max; parity tests use it.</summary>
    public static readonly CamOptions Parity = new() { Normalization = MapNormalization.MinMax };

    /// <summary>
    /// κ = max S / R of each method's LeNet conv.4 maps over sets A and A′ and both targets (S: the sum of the channel
    /// contributions' magnitudes at a pixel, R: the map's range): how much min-max normalisation amplifies rounding.
    /// Printed by tests/fixtures/cams/cam_conditioning.py; 1 where every contribution is positive (element-wise
    /// Grad-CAM, LayerCAM, Score-CAM's soft-max weights). Ablation-CAM's is its (2 + max|w|)·ΣA/R: its weights are
    /// differences of scores, so their error is relative to the scores, not to the weights. Grad-CAM's is large
    /// because some maps are a small positive remainder of large contributions of both signs.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> LeNetKappa = new Dictionary<string, double>
    {
        ["gradcam"] = 48.95, ["hirescam"] = 2.56, ["gradcam-elementwise"] = 1, ["gradcam++"] = 1.48, ["xgradcam"] = 2.67,
        ["layercam"] = 1, ["scorecam"] = 1, ["ablationcam"] = 29.35,
        // FullGrad sums positive terms, but normalises every channel slice by its own range first, and a slice whose
        // range is rounding noise has no finite κ; 1 covers the final normalisation only.
        ["fullgrad"] = 1,
    };

    /// <summary>The tolerance of a method's [0, 1] LeNet conv.4 maps against pytorch-grad-cam's: NormalisedMap(901, κ).</summary>
    public static double LeNetMapTolerance(string method) => Float32Error.NormalisedMap(Float32Error.LeNetConv4Cam, LeNetKappa[method]);

    public static IReadOnlyList<ICamTarget> ClassTargets(Tensor classes) =>
        classes.data<long>().Select(c => (ICamTarget)new ClassLogitTarget((int)c)).ToList();

    /// <summary>Set A and A′ with their target classes: (name, fixture, suffix, classes).</summary>
    public static IEnumerable<(string Set, Dictionary<string, Tensor> F, string Suffix, Tensor Classes)> LeNetCases()
    {
        foreach (var (set, f) in new[] { ("A", LeNetFixture.Cams()), ("A'", LeNetFixture.Misclassified()) })
        foreach (var suffix in new[] { "pred", "true" })
            yield return (set, f, suffix, suffix == "pred" ? f["pred"] : f["labels"]);
    }

    /// <summary>Our extra references (tests/fixtures/cams/make_cam_fixtures.py, pytorch-grad-cam on the same LeNet).</summary>
    public static Dictionary<string, Tensor> Extras() => Npy.LoadArchive(RepoPaths.Fixture("cams/cam_extras.npz"));

    /// <summary>Set B: torchvision's resnet18 with the fixture's random weights, in eval mode.</summary>
    public static TorchSharp.Modules.ResNet ResNet18()
    {
        var model = torchvision.models.resnet18();
        CheckpointLoader.LoadInto(model, SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"));
        model.eval();
        return model;
    }

    public static Dictionary<string, Tensor> ResNetCams() => Npy.LoadArchive(SharedData.PathOf("fixtures/resnet18-random/cams.npz"));

    /// <summary>
    /// Flips each image's projection [N, h, w] whose dot product with the reference projection is negative: the SVD
    /// sign is arbitrary, and the fixtures record the one numpy's LAPACK returned.
    /// </summary>
    public static Tensor AlignSigns(Tensor projection, Tensor reference)
    {
        var agreement = (projection.flatten(1) * reference.flatten(1)).sum(1);
        return projection * where(agreement < 0, -1f, 1f).view(-1, 1, 1);
    }

    /// <summary>numpy's projection X @ vt0 of [N, C, h, w] contributions (X = per-image centred [h·w, C]) → [N, h, w].</summary>
    public static Tensor ReferenceProjection(Tensor contributions, Tensor vt0)
    {
        var (n, c, h, w) = (contributions.shape[0], contributions.shape[1], contributions.shape[2], contributions.shape[3]);
        var x = contributions.reshape(n, c, h * w).transpose(1, 2);
        var centred = x - x.mean(new long[] { 1 }, keepdim: true);
        return centred.matmul(vt0.unsqueeze(-1)).view(n, h, w);
    }

    /// <summary>Spearman's rank correlation of two maps (ties get their average rank).</summary>
    public static double Spearman(Tensor a, Tensor b)
    {
        var ra = Ranks(a.flatten().to(ScalarType.Float64).data<double>().ToArray());
        var rb = Ranks(b.flatten().to(ScalarType.Float64).data<double>().ToArray());
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (int k = start; k <= end; k++) ranks[order[k]] = (start + end) / 2.0;
            start = end + 1;
        }
        return ranks;
    }
}
