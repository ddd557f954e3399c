using OpenCvSharp;
using Size = OpenCvSharp.Size;
using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Reports;

/// <summary>
/// Real run folders for the report tests, built from pytorch-grad-cam's set A (8 Fashion-MNIST test images, all
/// classified correctly) and set A′ (the first 8 misclassified ones): the LeNet's real logits, the stored Grad-CAM
/// maps for the predicted and true class, set C's real metric values, and the real sanity check of our Grad-CAM
/// (cascading random weights). Figures are drawn with OpenCV the way the explain command lays them out.
/// </summary>
public static class ReportRunFolder
{
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Pixels per input pixel in the figures: 28 → 224, so the 672×224 panels need downscaling to thumbnails.</summary>
    private const int Zoom = 8;

    /// <summary>An explain run of set A with set A′ as its failure section, evaluation (over the 16), metrics and sanity.</summary>
    public static RunManifest BuildExplain(string dir)
    {
        using var scope = NewDisposeScope();
        var correct = LeNetFixture.Cams();
        var wrong = LeNetFixture.Misclassified();
        var items = WriteItems(dir, correct, failures: false);
        var failures = WriteItems(dir, wrong, failures: true);
        WriteGrid(dir, correct["images"], wrong["images"]);
        var manifest = Manifest(RunKind.Explain, items, 8) with
        {
            Figures = new RunFigures { Grid = "figures/grid.png" },
            Failures = new FailureSection { Items = failures },
            Evaluation = Evaluate(cat([correct["logits"], wrong["logits"]]), cat([correct["labels"], wrong["labels"]])),
            Metrics = Metrics(),
            Sanity = Sanity(dir, correct["images"]),
        };
        manifest.Save(dir);
        return manifest;
    }

    /// <summary>A failures run of set A′ alone: no evaluation, so the report counts its confusions from the items.</summary>
    public static RunManifest BuildFailures(string dir)
    {
        using var scope = NewDisposeScope();
        var manifest = Manifest(RunKind.Failures, WriteItems(dir, LeNetFixture.Misclassified(), failures: true), 8);
        manifest.Save(dir);
        return manifest;
    }

    private static RunManifest Manifest(RunKind kind, IReadOnlyList<ManifestItem> items, int count) => new()
    {
        Version = "0.1.0",
        Created = new DateTime(2026, 11, 25, 19, 0, 0, DateTimeKind.Utc),
        Kind = kind,
        Model = new ManifestModel { Architecture = "lenet", Checkpoint = "../shared/fixtures/lenet-fmnist/lenet_fmnist.pth", NumClasses = 10, InputSize = [28, 28], Device = "cpu" },
        Method = "gradcam", Layer = "conv.4", Normalization = "min-max", TargetRule = kind == RunKind.Failures ? "pred+true" : "pred",
        ClassNames = ClassNames,
        Data = new ManifestData { Source = "fashion-mnist", Split = "test", Count = count },
        Items = items,
    };

    private static List<ManifestItem> WriteItems(string dir, Dictionary<string, Tensor> set, bool failures)
    {
        var probabilities = set["logits"].softmax(1);
        var labels = set["labels"].data<long>().ToArray();
        var predicted = set["pred"].data<long>().ToArray();
        var indices = set["test_indices"].data<long>().ToArray();
        var items = new List<ManifestItem>();
        for (int i = 0; i < labels.Length; i++)
        {
            var id = $"test-{indices[i]:D4}";
            int t = (int)labels[i], p = (int)predicted[i];
            var probs = probabilities[i].data<float>().Select(v => (double)v).ToArray();
            using var image = Gray(set["images"][i, 0]);
            var item = new ManifestItem
            {
                Id = id, Source = "fashion-mnist/t10k-images-idx3-ubyte.gz", Index = indices[i],
                TrueLabel = t, TrueName = ClassNames[t], PredictedLabel = p, PredictedName = ClassNames[p],
                Probabilities = probs,
                TopK = probs.Select((v, c) => (v, c)).OrderByDescending(x => x.v).Take(3)
                    .Select(x => new TopKEntry { ClassIndex = x.c, Name = ClassNames[x.c], Probability = x.v }).ToList(),
                TargetClass = p, Target = $"logit of class {p}", Layer = "conv.4",
            };
            if (failures)
            {
                Npy.Save(Path.Combine(dir, "maps", id + "_pred.npy"), set["GradCAM_pred"][i]);
                Npy.Save(Path.Combine(dir, "maps", id + "_true.npy"), set["GradCAM_true"][i]);
                using var pred = Overlay(image, set["GradCAM_pred"][i]);
                using var truth = Overlay(image, set["GradCAM_true"][i]);
                Save(dir, $"figures/{id}_compare.png", Big(image), pred, truth);
                items.Add(item with
                {
                    Confidence = probs[p],
                    Maps = new ItemMaps { Predicted = $"maps/{id}_pred.npy", True = $"maps/{id}_true.npy" },
                    Figures = new ItemFigures { Compare = $"figures/{id}_compare.png" },
                });
            }
            else
            {
                Npy.Save(Path.Combine(dir, "maps", id + ".npy"), set["GradCAM_pred"][i]);
                using var heat = Heat(set["GradCAM_pred"][i]);
                using var overlay = Overlay(image, set["GradCAM_pred"][i]);
                Save(dir, $"figures/{id}_heatmap.png", heat);
                Save(dir, $"figures/{id}_panels.png", Big(image), heat, overlay);
                items.Add(item with
                {
                    Map = $"maps/{id}.npy", MapShape = [28, 28],
                    Figures = new ItemFigures { Heatmap = $"figures/{id}_heatmap.png", Panels = $"figures/{id}_panels.png" },
                });
            }
        }
        return items;
    }

    /// <summary>Test loss and accuracies of the LeNet on the 16 images (so classes 0 and 8, absent, have none).</summary>
    private static Evaluation Evaluate(Tensor logits, Tensor labels)
    {
        var predicted = logits.argmax(1).data<long>().ToArray();
        var truth = labels.data<long>().ToArray();
        var confusion = new long[10][];
        for (int c = 0; c < 10; c++) confusion[c] = new long[10];
        for (int i = 0; i < truth.Length; i++) confusion[truth[i]][predicted[i]]++;
        return new Evaluation
        {
            TestLoss = nn.functional.cross_entropy(logits, labels).item<float>(),
            TestAcc = (double)truth.Zip(predicted).Count(x => x.First == x.Second) / truth.Length,
            N = truth.Length,
            PerClassAccuracy = confusion.Select((row, c) => row.Sum() == 0 ? (double?)null : (double)row[c] / row.Sum()).ToList(),
            Confusion = confusion,
        };
    }

    /// <summary>Set C: pytorch-grad-cam's metric values for the Grad-CAM maps of set A.</summary>
    private static List<MetricSeries> Metrics()
    {
        var stored = Npy.LoadArchive(SharedData.PathOf("fixtures/lenet-fmnist/metrics.npz"));
        MetricSeries Series(string name, bool higherIsBetter)
        {
            var values = stored[name].data<float>().Select(v => (double)v).ToList();
            return new MetricSeries { Name = name, Method = "gradcam", Values = values, Mean = values.Average(), HigherIsBetter = higherIsBetter };
        }
        return [Series("drop_in_confidence", false), Series("increase_in_confidence", true), Series("road_combined", true)];
    }

    /// <summary>The LeNet's parameterised layers in the order the sanity check randomises them, from the logits down.</summary>
    public static readonly string[] RandomisedLayers = ["fc.4", "fc.2", "fc.0", "conv.3", "conv.0"];

    /// <summary>
    /// The real sanity check (<see cref="QualityChecks.Sanity"/>) of Grad-CAM and of <see cref="InputBrightnessCam"/>,
    /// which ignores the weights, so the report must flag it.
    /// </summary>
    private static SanityCheck Sanity(string dir, Tensor images)
    {
        using var model = LeNetFixture.Model();
        return QualityChecks.Sanity(model, () => new LeNet(),
            [m => new GradCam(m, [LeNet.DefaultTargetLayer]), m => new InputBrightnessCam(m)], images, null, dir, "figures/sanity.png");
    }

    private static Mat Gray(Tensor image)
    {
        var mat = new Mat(28, 28, MatType.CV_8UC1);
        mat.SetArray(image.mul(255).round().clamp(0, 255).to(ScalarType.Byte).data<byte>().ToArray());
        return mat;
    }

    private static Mat Big(Mat gray)
    {
        var big = new Mat();
        Cv2.Resize(gray, big, new Size(28 * Zoom, 28 * Zoom), interpolation: InterpolationFlags.Nearest);
        Cv2.CvtColor(big, big, ColorConversionCodes.GRAY2BGR);
        return big;
    }

    private static Mat Heat(Tensor map)
    {
        using var gray = Gray(map);
        using var big = new Mat();
        Cv2.Resize(gray, big, new Size(28 * Zoom, 28 * Zoom), interpolation: InterpolationFlags.Linear);
        var heat = new Mat();
        Cv2.ApplyColorMap(big, heat, ColormapTypes.Jet);
        return heat;
    }

    private static Mat Overlay(Mat image, Tensor map)
    {
        using var big = Big(image);
        using var heat = Heat(map);
        var overlay = new Mat();
        Cv2.AddWeighted(big, 0.5, heat, 0.5, 0, overlay);
        return overlay;
    }

    private static void Save(string dir, string relative, params Mat[] panels)
    {
        using var row = new Mat();
        Cv2.HConcat(panels, row);
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Assert.True(Cv2.ImWrite(path, row), $"could not write {path}");
    }

    private static void WriteGrid(string dir, Tensor first, Tensor second)
    {
        var images = cat([first, second]);
        var rows = Enumerable.Range(0, 4).Select(r =>
        {
            var row = new Mat();
            Cv2.HConcat(Enumerable.Range(0, 4).Select(c => Gray(images[r * 4 + c, 0])).ToArray(), row);
            return row;
        }).ToArray();
        using var grid = new Mat();
        Cv2.VConcat(rows, grid);
        using var big = new Mat();
        Cv2.Resize(grid, big, new Size(112 * 4, 112 * 4), interpolation: InterpolationFlags.Nearest);
        Save(dir, "figures/grid.png", big);
    }
}
