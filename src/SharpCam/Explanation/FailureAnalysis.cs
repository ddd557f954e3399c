using SharpCam.Rendering;
using SharpCam.Images;
using SharpCam.Cam;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Targets;
using static TorchSharp.torch;

namespace SharpCam.Explanation;

/// <summary>
/// The notebook's purpose, automated: every misclassified image, most confident mistakes first, explained for both
/// the class the model chose and the class it should have chosen, side by side.
/// </summary>
public sealed class FailureAnalysis(CamMethod method, ClassNames names, ExplainSettings settings)
{
    /// <summary>
    /// The misclassified images among <paramref name="labels"/>/<paramref name="predictions"/>, most confident
    /// mistakes first (ties by index), at most <paramref name="limit"/>.
    /// </summary>
    public static IReadOnlyList<int> Select(IReadOnlyList<int> labels, IReadOnlyList<int> predictions,
                                            IReadOnlyList<float> confidences, int? limit = null) =>
        Enumerable.Range(0, labels.Count).Where(i => labels[i] != predictions[i])
            .OrderByDescending(i => confidences[i]).ThenBy(i => i).Take(limit ?? int.MaxValue).ToList();

    /// <summary>
    /// Explains each failure (its input with a true label, and the class the model predicted) for both classes,
    /// writes both maps and a compare figure into <paramref name="runDir"/> and returns the manifest items.
    /// </summary>
    public IReadOnlyList<ManifestItem> Run(IReadOnlyList<ExplainInput> failures, IReadOnlyList<int> predicted, string runDir,
                                           IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        if (failures.Any(f => f.TrueLabel is null)) throw new ArgumentException("Failure analysis needs true labels for every image.");
        Directory.CreateDirectory(Path.Combine(runDir, Explainer.MapsFolder));
        Directory.CreateDirectory(Path.Combine(runDir, Explainer.FiguresFolder));
        var items = new List<ManifestItem>(failures.Count);
        progress?.Report(new ProgressUpdate("failures", 0, failures.Count));
        foreach (var batch in Enumerable.Range(0, failures.Count).Chunk(settings.BatchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var input = stack(batch.Select(i => failures[i].ModelInput).ToList()).to(settings.Device);
            using var forPredicted = method.Explain(input, batch.Select(i => (ICamTarget)new ClassLogitTarget(predicted[i])).ToList());
            using var forTrue = method.Explain(input, batch.Select(i => (ICamTarget)new ClassLogitTarget(failures[i].TrueLabel!.Value)).ToList());
            var probabilities = forPredicted.Logits.softmax(1).cpu();
            var predictedMaps = forPredicted.FeatureMaps.cpu();
            var trueMaps = forTrue.FeatureMaps.cpu();
            for (int b = 0; b < batch.Length; b++)
            {
                items.Add(Describe(failures[batch[b]], predicted[batch[b]], probabilities[b], predictedMaps[b], trueMaps[b], runDir));
                progress?.Report(new ProgressUpdate("failures", items.Count, failures.Count));
            }
        }
        return items;
    }

    private ManifestItem Describe(ExplainInput input, int predicted, Tensor probabilities, Tensor predictedMap, Tensor trueMap, string runDir)
    {
        var probs = probabilities.data<float>().Select(p => (double)p).ToArray();
        int trueLabel = input.TrueLabel!.Value;
        var (predictedPath, truePath) = ($"{Explainer.MapsFolder}/{input.Id}_pred.npy", $"{Explainer.MapsFolder}/{input.Id}_true.npy");
        Npy.Save(Path.Combine(runDir, predictedPath), predictedMap);
        Npy.Save(Path.Combine(runDir, truePath), trueMap);
        var comparePath = $"{Explainer.FiguresFolder}/{input.Id}_compare.png";
        Figures.Compare(Path.Combine(runDir, comparePath), input.Display, TensorImages.ToArray(predictedMap), TensorImages.ToArray(trueMap),
            settings.Style, $"{input.Id}: true {names.NameOf(trueLabel)}",
            $"why {names.NameOf(predicted)} ({probs[predicted]:P0})", $"evidence for {names.NameOf(trueLabel)} ({probs[trueLabel]:P0})");
        return Explainer.PredictionItem(input, probs, predicted, names, settings.TopK, string.Join("+", method.TargetLayers)) with
        {
            Confidence = probs[predicted],
            MapShape = predictedMap.shape.Select(d => (int)d).ToList(),
            Maps = new ItemMaps { Predicted = predictedPath, True = truePath },
            Figures = new ItemFigures { Compare = comparePath },
        };
    }

}
