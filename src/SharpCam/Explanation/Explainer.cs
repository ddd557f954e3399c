using SharpCam.Images;
using SharpCam.Rendering;
using SharpCam.Cam;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Targets;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Explanation;

/// <summary>What an explain run produces besides its figures: settings shared by the MNIST and photo paths.</summary>
public sealed record ExplainSettings
{
    public TargetRule Target { get; init; } = TargetRule.Predicted;
    public int BatchSize { get; init; } = 16;
    public int TopK { get; init; } = 5;
    public OverlayStyle Style { get; init; } = OverlayStyle.GreyDigit;
    public Device Device { get; init; } = CPU;
}

/// <summary>
/// Explains images in batches with one CAM method and writes, into a run folder, each image's raw map (.npy at feature
/// resolution), its heatmap and three-panel figures and a grid of the inputs, and returns the run's manifest. The
/// caller saves the manifest (after adding any other sections), so a folder is complete only when it has one.
/// </summary>
public sealed class Explainer(CamMethod method, ClassNames names, ExplainSettings settings)
{
    public const string MapsFolder = "maps", FiguresFolder = "figures";
    private const int GridSize = 16;

    public RunManifest Run(IReadOnlyList<ExplainInput> inputs, string runDir, ManifestModel model, ManifestData data,
                           IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        var items = ExplainAll(inputs, runDir, progress, cancellation);
        var gridPath = $"{FiguresFolder}/grid.png";
        var shown = inputs.Take(GridSize).ToList();
        Figures.Grid(Path.Combine(runDir, gridPath), shown.Select(i => i.Display).ToList(),
            items.Take(GridSize).Select(Caption).ToList(), $"{method.Name} inputs: true → predicted");
        return new RunManifest
        {
            Version = SharpCamInfo.Version,
            Created = DateTime.UtcNow,
            Kind = RunKind.Explain,
            Model = model,
            Method = method.Name,
            Layer = string.Join("+", method.TargetLayers),
            Normalization = method.Options.Normalization == MapNormalization.MinMax ? "min-max" : "divide-by-max",
            TargetRule = settings.Target.ToString(),
            ClassNames = names.Names,
            Data = data,
            Figures = new RunFigures { Grid = gridPath },
            Items = items,
        };
    }

    /// <summary>What every manifest item says about an image and the model's prediction for it; callers add their maps.</summary>
    internal static ManifestItem PredictionItem(ExplainInput input, double[] probabilities, int predicted, ClassNames names, int topK,
                                                string layer) => new()
    {
        Id = input.Id,
        Source = input.Source,
        Index = input.Index,
        TrueLabel = input.TrueLabel,
        TrueName = input.TrueLabel is { } label ? names.NameOf(label) : null,
        PredictedLabel = predicted,
        PredictedName = names.NameOf(predicted),
        // Full probability vectors go into manifests only for small heads (MNIST); ImageNet keeps its top-k.
        Probabilities = probabilities.Length <= 20 ? probabilities : null,
        TopK = TopKEntries(probabilities, names, topK),
        Layer = layer,
    };

    private static IReadOnlyList<TopKEntry> TopKEntries(double[] probabilities, ClassNames names, int k) =>
        probabilities.Select((p, c) => (p, c)).OrderByDescending(x => x.p).Take(k)
            .Select(x => new TopKEntry { ClassIndex = x.c, Name = names.NameOf(x.c), Probability = x.p }).ToList();

    private static string Caption(ManifestItem item) =>
        item.TrueName is null ? item.PredictedName ?? "?" : $"{item.TrueName} → {item.PredictedName}";

    private List<ManifestItem> ExplainAll(IReadOnlyList<ExplainInput> inputs, string runDir, IProgress<ProgressUpdate>? progress,
                                          CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.Combine(runDir, MapsFolder));
        Directory.CreateDirectory(Path.Combine(runDir, FiguresFolder));
        var items = new List<ManifestItem>(inputs.Count);
        foreach (var batch in inputs.Chunk(settings.BatchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var input = stack(batch.Select(b => b.ModelInput).ToList()).to(settings.Device);
            var targets = TargetsFor(batch);
            using var result = method.Explain(input, targets);
            var probabilities = result.Logits.softmax(1).cpu();
            var maps = result.FeatureMaps.cpu();
            for (int i = 0; i < batch.Length; i++)
            {
                items.Add(Describe(batch[i], probabilities[i], maps[i], result.Targets[i], runDir));
                progress?.Report(new ProgressUpdate("explain", items.Count, inputs.Count));
            }
        }
        return items;
    }

    /// <summary>Targets per image, or null to let the method explain each prediction from the same forward pass.</summary>
    private IReadOnlyList<ICamTarget>? TargetsFor(ExplainInput[] batch) =>
        settings.Target == TargetRule.Predicted ? null : batch.Select(b => settings.Target.For(b.TrueLabel)).ToList();


    private ManifestItem Describe(ExplainInput input, Tensor probabilities, Tensor map, ICamTarget target, string runDir)
    {
        var probs = probabilities.data<float>().Select(p => (double)p).ToArray();
        int predicted = Array.IndexOf(probs, probs.Max());
        var mapPath = $"{MapsFolder}/{input.Id}.npy";
        Npy.Save(Path.Combine(runDir, mapPath), map);

        var mapArray = TensorImages.ToArray(map);
        var layer = string.Join("+", method.TargetLayers);
        var heatmapPath = $"{FiguresFolder}/{input.Id}_heatmap.png";
        var panelsPath = $"{FiguresFolder}/{input.Id}_panels.png";
        var about = target.ClassIndex is { } c ? $"{names.NameOf(c)} ({target.Describe()})" : target.Describe();
        Figures.Heatmap(Path.Combine(runDir, heatmapPath), mapArray, $"{method.Name} at {layer}: {about}");
        Figures.Panels(Path.Combine(runDir, panelsPath), input.Display, mapArray, settings.Style,
            $"{input.Id}: predicted {names.NameOf(predicted)}" + (input.TrueLabel is { } t ? $", true {names.NameOf(t)}" : ""));

        return PredictionItem(input, probs, predicted, names, settings.TopK, layer) with
        {
            TargetClass = target.ClassIndex,
            Target = target.Describe(),
            Map = mapPath,
            MapShape = map.shape.Select(d => (int)d).ToList(),
            Figures = new ItemFigures { Heatmap = heatmapPath, Panels = panelsPath },
        };
    }

}
