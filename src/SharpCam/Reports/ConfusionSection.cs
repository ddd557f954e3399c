using System.Text;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>
/// The confusion matrix (rows true, columns predicted) and the most confused class pairs. Off-diagonal counts that
/// have examples in the report are links: the script filters the target gallery to that (true, predicted) pair.
/// </summary>
public static class ConfusionSection
{
    public const string Id = "confusion";
    /// <summary>Beyond this many classes a matrix is unreadable (ImageNet: a million cells); only the pairs are listed.</summary>
    public const int MaxMatrixClasses = 30;
    public const int PairCount = 10;

    internal static void Append(StringBuilder html, ReportContext context, ConfusionMatrix matrix)
    {
        var examples = context.ConfusionTargetItems
            .Where(i => i.TrueLabel is not null)
            .GroupBy(i => (i.TrueLabel!.Value, i.PredictedLabel))
            .ToDictionary(g => g.Key, g => g.Count());
        ReportContext.AppendSectionStart(html, Id, "Confusions");
        html.Append("<p class=\"note\">")
            .Append(matrix.FromEvaluation
                ? $"From the test evaluation{(context.Manifest.Evaluation?.N is long n ? $" ({Count(n)} images)" : "")}."
                : $"Counted among the {Count(context.FailureItems.Count)} misclassified images of this report.")
            .Append(" Rows are the true class, columns the predicted class. Select a count off the diagonal to show its examples.</p>");

        if (matrix.Size <= MaxMatrixClasses) AppendMatrix(html, context, matrix, examples);
        else html.Append($"<p class=\"note\">{matrix.Size} classes are too many for a readable matrix; the most confused pairs follow.</p>");

        var pairs = matrix.MostConfused(PairCount);
        if (pairs.Count > 0)
        {
            html.Append("<h3>Most confused pairs</h3><ol class=\"pairs\">");
            foreach (var (t, p, count) in pairs)
            {
                html.Append($"<li><b>{E(context.ClassName(t))}</b> taken for <b>{E(context.ClassName(p))}</b>: ");
                AppendCount(html, context, t, p, count, examples.GetValueOrDefault((t, p)));
                html.Append("</li>");
            }
            html.Append("</ol>");
        }
        html.Append("</section>");
    }

    private static void AppendMatrix(StringBuilder html, ReportContext context, ConfusionMatrix matrix, Dictionary<(int, int), int> examples)
    {
        html.Append("<div class=\"scroll\"><table class=\"confusion\"><caption>Confusion matrix (true class × predicted class)</caption><thead><tr><th scope=\"col\">true \\ predicted</th>");
        for (int p = 0; p < matrix.Size; p++) html.Append($"<th scope=\"col\">{E(context.ClassName(p))}</th>");
        html.Append("</tr></thead><tbody>");
        for (int t = 0; t < matrix.Size; t++)
        {
            var total = matrix.RowTotal(t);
            html.Append($"<tr><th scope=\"row\">{E(context.ClassName(t))}</th>");
            for (int p = 0; p < matrix.Size; p++)
            {
                var count = matrix.Counts[t, p];
                // Shade by the share of the row, in 5 steps: CSS classes keep the page free of inline styles (CSP).
                var shade = total == 0 || count == 0 ? 0 : (int)Math.Ceiling(5.0 * count / total);
                html.Append($"<td class=\"{(t == p ? "diag" : "off")} s{shade}\">");
                if (t == p || count == 0) html.Append(Count(count));
                else AppendCount(html, context, t, p, count, examples.GetValueOrDefault((t, p)));
                html.Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div>");
    }

    private static void AppendCount(StringBuilder html, ReportContext context, int t, int p, long count, int shown)
    {
        var what = $"{Count(count)} {context.ClassName(t)} taken for {context.ClassName(p)}";
        if (shown == 0)
        {
            html.Append($"<span title=\"{E(what)}; none is in this report\">{Count(count)}</span>");
            return;
        }
        var gallery = context.ConfusionTargetGallery;
        html.Append($"<a class=\"cell\" href=\"#{gallery}\" data-gallery=\"{gallery}\" data-true=\"{Attr(t)}\" data-pred=\"{Attr(p)}\" ")
            .Append($"aria-label=\"{E(what)}: show the {shown} in the report\">{Count(count)}</a>");
    }
}
