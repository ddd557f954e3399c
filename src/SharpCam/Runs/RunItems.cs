using SharpCam.Explanation;
using SharpCam.Labels;

namespace SharpCam.Runs;

/// <summary>The one place a manifest item's image and prediction fields are filled, for explain and failure runs alike.</summary>
public static class RunItems
{
    /// <summary>
    /// What every manifest item says about an image and the model's prediction for it; callers add their maps.
    /// <paramref name="probabilities"/> null: the model has no class scores, so the item has no prediction (label -1, no top-k).
    /// </summary>
    public static ManifestItem Prediction(ExplainInput input, double[]? probabilities, ClassNames names, int topK, string? layer)
    {
        var item = new ManifestItem
        {
            Id = input.Id,
            Source = input.Source,
            Index = input.Index,
            TrueLabel = input.TrueLabel,
            TrueName = input.TrueLabel is { } label ? names.NameOf(label) : null,
            PredictedLabel = -1,
            Layer = layer,
        };
        if (probabilities is null) return item;
        int predicted = Array.IndexOf(probabilities, probabilities.Max());
        return item with
        {
            PredictedLabel = predicted,
            PredictedName = names.NameOf(predicted),
            // Full probability vectors go into manifests only for small heads (MNIST); ImageNet keeps its top-k.
            Probabilities = probabilities.Length <= 20 ? probabilities : null,
            TopK = probabilities.Select((p, c) => (p, c)).OrderByDescending(x => x.p).Take(topK)
                .Select(x => new TopKEntry { ClassIndex = x.c, Name = names.NameOf(x.c), Probability = x.p }).ToList(),
        };
    }

    /// <summary>A misclassified item: a true label the model did not predict.</summary>
    public static bool IsMistake(ManifestItem item) => Mistake.Is(item.TrueLabel, item.PredictedLabel);

    /// <summary>The caption of an item in the grid of inputs: "true → predicted", or the prediction alone.</summary>
    public static string Caption(ManifestItem item) =>
        item.TrueName is null ? item.PredictedName ?? item.Id : $"{item.TrueName} → {item.PredictedName ?? "?"}";
}
