using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Images;
using SharpCam.Rendering;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;
using SharpCam.Targets;
using SharpCam.Runs;

namespace SharpCam.Tests.Reports;

/// <summary>
/// Real run folders for the report tests, built from pytorch-grad-cam's set A (8 Fashion-MNIST test images, all
/// classified correctly) and set A′ (the first 8 misclassified ones): the LeNet's real logits, the stored Grad-CAM
/// maps for the predicted and true class, set C's real metric values, and the real sanity check of our Grad-CAM
/// (cascading random weights). Figures are drawn with SharpCam's picture code the way the explain command lays them out.
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
            var image = Gray(set["images"][i, 0]);
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
                var pred = Overlay(image, set["GradCAM_pred"][i]);
                var truth = Overlay(image, set["GradCAM_true"][i]);
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
                var heat = Heat(set["GradCAM_pred"][i]);
                var overlay = Overlay(image, set["GradCAM_pred"][i]);
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

    private static RgbImage Gray(Tensor image) =>
        TensorImages.ToRgbImage(image.unsqueeze(0));

    /// <summary>Nearest-neighbour enlargement by <paramref name="factor"/>.</summary>
    private static RgbImage Enlarge(RgbImage image, int factor)
    {
        var big = new RgbImage(image.Width * factor, image.Height * factor);
        for (int y = 0; y < big.Height; y++)
        for (int x = 0; x < big.Width; x++)
            Buffer.BlockCopy(image.Pixels, 3 * (y / factor * image.Width + x / factor), big.Pixels, 3 * (y * big.Width + x), 3);
        return big;
    }

    private static RgbImage Big(RgbImage gray) => Enlarge(gray, Zoom);

    private static RgbImage Heat(Tensor map) =>
        Colormaps.Jet.Apply(SharpCam.Rendering.Overlay.Upsample(TensorImages.ToArray(map), 28 * Zoom, 28 * Zoom));

    private static RgbImage Overlay(RgbImage image, Tensor map)
    {
        var (big, heat) = (Big(image), Heat(map));
        var overlay = new RgbImage(big.Width, big.Height);
        for (int i = 0; i < overlay.Pixels.Length; i++) overlay.Pixels[i] = (byte)((big.Pixels[i] + heat.Pixels[i] + 1) / 2);
        return overlay;
    }

    /// <summary>Pictures of one height side by side.</summary>
    private static RgbImage Row(params RgbImage[] panels)
    {
        var row = new RgbImage(panels.Sum(p => p.Width), panels[0].Height);
        for (int y = 0; y < row.Height; y++)
        {
            int offset = 0;
            foreach (var panel in panels)
            {
                Buffer.BlockCopy(panel.Pixels, 3 * y * panel.Width, row.Pixels, 3 * (y * row.Width + offset), 3 * panel.Width);
                offset += panel.Width;
            }
        }
        return row;
    }

    private static void Save(string dir, string relative, params RgbImage[] panels) =>
        Png.Write(Row(panels), Path.Combine(dir, relative));

    private static void WriteGrid(string dir, Tensor first, Tensor second)
    {
        var images = cat([first, second]);
        var rows = Enumerable.Range(0, 4).Select(r => Row(Enumerable.Range(0, 4).Select(c => Gray(images[r * 4 + c, 0])).ToArray())).ToList();
        var grid = new RgbImage(rows[0].Width, rows.Sum(r => r.Height), rows.SelectMany(r => r.Pixels).ToArray());
        Save(dir, "figures/grid.png", Enlarge(grid, 4));
    }
}
