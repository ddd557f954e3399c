using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Targets;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Metrics;

/// <summary>
/// pytorch-grad-cam's set C (metrics of set A's GradCAM_pred maps, shared fixtures README "Set C") and the committed
/// references of tests/fixtures/metrics (made by make_metric_references.py).
/// </summary>
public static class MetricsFixture
{
    /// <summary>
    /// Tolerance on target scores and their differences: LeNet logits (|x| ≤ 17.3 on set A) through the forward chain
    /// (635 terms), relative to the logit (one class dominates its sum); a difference of two scores carries both errors.
    /// </summary>
    public static readonly double ScoreTolerance = 2 * Float32Error.BetweenRuns(Float32Error.LeNetLogits, 17.3);

    /// <summary>pytorch-grad-cam's set B: a random-init ResNet-18's 2 inputs (3×224×224) and their maps.</summary>
    public static Dictionary<string, Tensor> SetB() => Npy.LoadArchive(SharedData.PathOf("fixtures/resnet18-random/cams.npz"));

    /// <summary>One of tests/fixtures/metrics/*.npz.</summary>
    public static Dictionary<string, Tensor> Reference(string file) => Npy.LoadArchive(RepoPaths.Fixture("metrics/" + file));

    public static float[] Floats(Tensor t) => t.to(ScalarType.Float32).contiguous().data<float>().ToArray();

    /// <summary>Float64 values stored bit for bit as int64 (`*_f64bits`), since the .npy reader narrows float64 to float32.</summary>
    public static double[] Doubles(Tensor bits) => bits.data<long>().Select(BitConverter.Int64BitsToDouble).ToArray();

    /// <summary>Flags packed little-endian into int64 words (`*_bits`, numpy.packbits(bitorder="little")).</summary>
    public static bool[] Flags(Tensor words, int count)
    {
        var packed = words.data<long>().ToArray();
        return Enumerable.Range(0, count).Select(i => ((packed[i / 64] >> (i % 64)) & 1) == 1).ToArray();
    }
}

/// <summary>
/// Set C as pytorch-grad-cam computed it: the fixture LeNet (eval mode), set A's 8 images, their GradCAM_pred maps,
/// each image's predicted class as a raw-logit target (ClassifierOutputTarget(pred_i)) and the expected arrays.
/// Create inside a dispose scope; disposing releases the model.
/// </summary>
public sealed class SetC : IDisposable
{
    public SetC()
    {
        var cams = LeNetFixture.Cams();
        Images = cams["images"];
        Maps = cams["GradCAM_pred"];
        Targets = cams["pred"].data<long>().Select(c => (ICamTarget)new ClassLogitTarget((int)c)).ToList();
        Expected = Npy.LoadArchive(SharedData.PathOf("fixtures/lenet-fmnist/metrics.npz"));
        Model = LeNetFixture.Model();
    }

    public LeNet Model { get; }
    public Tensor Images { get; }
    public Tensor Maps { get; }
    public IReadOnlyList<ICamTarget> Targets { get; }
    public Dictionary<string, Tensor> Expected { get; }

    public void Dispose() => Model.Dispose();
}
