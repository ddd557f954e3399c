using SharpCam.Explanation;

namespace SharpCam.Reports;

/// <summary>
/// Counts of (true class, predicted class): the evaluation's full matrix when the manifest has one, otherwise counted
/// from the misclassified items of the report (then only the off-diagonal cells are known).
/// </summary>
internal sealed record ConfusionMatrix(long[,] Counts, bool FromEvaluation)
{
    public int Size => Counts.GetLength(0);

    /// <summary>The matrix for this report, or null when there is nothing to count.</summary>
    public static ConfusionMatrix? For(ReportContext context)
    {
        var rows = context.Manifest.Evaluation?.Confusion;
        if (rows is { Count: > 0 })
        {
            if (rows.All(r => r.Count == rows.Count)) return FromRows(rows);
            context.Warnings.Add($"{RunManifest.FileName}: evaluation.confusion is not a square matrix ({rows.Count} rows of lengths {string.Join(", ", rows.Select(r => r.Count).Distinct())}); it is left out.");
        }
        var labelled = context.FailureItems.Where(i => i.TrueLabel is not null).ToList();
        if (labelled.Count == 0) return null;
        var size = new[] { context.ClassCount, labelled.Max(i => i.TrueLabel!.Value) + 1, labelled.Max(i => i.PredictedLabel) + 1 }.Max();
        var counts = new long[size, size];
        foreach (var item in labelled.Where(i => i.TrueLabel >= 0 && i.PredictedLabel >= 0)) counts[item.TrueLabel!.Value, item.PredictedLabel]++;
        return new ConfusionMatrix(counts, FromEvaluation: false);
    }

    private static ConfusionMatrix FromRows(IReadOnlyList<IReadOnlyList<long>> rows)
    {
        var counts = new long[rows.Count, rows.Count];
        for (int t = 0; t < rows.Count; t++)
            for (int p = 0; p < rows.Count; p++) counts[t, p] = rows[t][p];
        return new ConfusionMatrix(counts, FromEvaluation: true);
    }

    public long RowTotal(int trueClass) => Enumerable.Range(0, Size).Sum(p => Counts[trueClass, p]);

    /// <summary>Off-diagonal cells with the most images, most first (ties: lower true, then predicted class first).</summary>
    public IReadOnlyList<(int True, int Predicted, long Count)> MostConfused(int limit) =>
        (from t in Enumerable.Range(0, Size)
         from p in Enumerable.Range(0, Size)
         where t != p && Counts[t, p] > 0
         orderby Counts[t, p] descending, t, p
         select (t, p, Counts[t, p])).Take(limit).ToList();
}
