using System.Text;
using SharpCam.Explanation;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>
/// A filterable, paged gallery of items: the explained images, or the misclassified ones (most confident mistakes
/// first, each as image | map for the predicted class | map for the true class). Every card carries its true and
/// predicted class in data- attributes; the script filters and pages on them. Cards past the first page start
/// hidden so a thousand-image report opens quickly.
/// </summary>
public static class GallerySection
{
    public const string ExplainedId = "explained", FailuresId = "failures";
    /// <summary>Cards shown at first and added by each "Show more".</summary>
    public const int PageSize = 60;

    internal static void AppendExplained(StringBuilder html, ReportContext context) =>
        Append(html, context, ExplainedId, "Explained images", context.Manifest.Items, failures: false);

    internal static void AppendFailures(StringBuilder html, ReportContext context) =>
        Append(html, context, FailuresId, "Most confident mistakes", ByConfidence(context.FailureItems), failures: true);

    /// <summary>Most confident first; items without a confidence last, in manifest order (the sort is stable).</summary>
    internal static IReadOnlyList<ManifestItem> ByConfidence(IEnumerable<ManifestItem> items) =>
        items.OrderByDescending(i => i.Confidence ?? double.NegativeInfinity).ToList();

    /// <summary>The figure a card shows: failures prefer the image | predicted | true comparison, explained images the panels.</summary>
    internal static string? FigureOf(ManifestItem item, bool failures) => failures
        ? item.Figures?.Compare ?? item.Figures?.Panels ?? item.Figures?.Heatmap
        : item.Figures?.Panels ?? item.Figures?.Heatmap ?? item.Figures?.Compare;

    private static void Append(StringBuilder html, ReportContext context, string id, string title, IReadOnlyList<ManifestItem> items, bool failures)
    {
        ReportContext.AppendSectionStart(html, id, title);
        if (failures)
            html.Append("<p class=\"note\">Each row: the image, the map for the predicted class, the map for the true class. Sorted by confidence, most confident first.</p>");
        html.Append($"<div class=\"gallery\" id=\"{id}-gallery\" data-page=\"{PageSize}\">");
        AppendFilters(html, context, id, items, failures);
        html.Append("<ul class=\"cards\">");
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var wrong = item.TrueLabel is int t && t != item.PredictedLabel;
            html.Append($"<li class=\"card{(wrong ? " wrong" : "")}\" data-true=\"{(item.TrueLabel is int tl ? Attr(tl) : "")}\" data-pred=\"{Attr(item.PredictedLabel)}\" data-wrong=\"{(wrong ? 1 : 0)}\"{(i >= PageSize ? " hidden" : "")}>");
            AppendItemFigure(html, context, item, failures);
            if (failures) AppendFailureCaption(html, context, item);
            else AppendExplainedCaption(html, context, item, wrong);
            html.Append("</li>");
        }
        html.Append("</ul>");
        var rest = items.Count - PageSize;
        html.Append($"<button type=\"button\" class=\"more\"{(rest > 0 ? "" : " hidden")}>Show more</button></div></section>");
    }

    private static void AppendFilters(StringBuilder html, ReportContext context, string id, IReadOnlyList<ManifestItem> items, bool failures)
    {
        html.Append("<div class=\"filters\" role=\"group\" aria-label=\"Filter the images\">");
        AppendSelect(html, context, $"{id}-true", "True class", "true", items.Where(i => i.TrueLabel is not null).Select(i => i.TrueLabel!.Value));
        AppendSelect(html, context, $"{id}-pred", "Predicted class", "pred", items.Select(i => i.PredictedLabel));
        if (!failures && items.Any(i => i.TrueLabel is int t && t != i.PredictedLabel))
            html.Append($"<label><input type=\"checkbox\" data-filter=\"wrong\"> Mistakes only</label>");
        html.Append("<button type=\"button\" class=\"reset\">Show all</button>")
            .Append($"<p class=\"status\" role=\"status\" aria-live=\"polite\">{Count(Math.Min(items.Count, PageSize))} of {Count(items.Count)} shown</p></div>");
    }

    private static void AppendSelect(StringBuilder html, ReportContext context, string id, string label, string filter, IEnumerable<int> classes)
    {
        html.Append($"<label for=\"{id}\">{E(label)}</label><select id=\"{id}\" data-filter=\"{filter}\"><option value=\"\">any</option>");
        foreach (var c in classes.Distinct().Order())
            html.Append($"<option value=\"{Attr(c)}\">{E(context.ClassName(c))}</option>");
        html.Append("</select>");
    }

    private static void AppendItemFigure(StringBuilder html, ReportContext context, ManifestItem item, bool failures)
    {
        var path = FigureOf(item, failures);
        if (path is null)
        {
            html.Append($"<div class=\"placeholder\" role=\"img\" aria-label=\"No figure for {E(item.Id)}\">no figure in the manifest</div>");
            return;
        }
        var compare = path == item.Figures!.Compare;
        var alt = compare
            ? $"{item.Id}: image, map for predicted {context.PredictedName(item)}, map for true {context.TrueName(item)}"
            : $"{item.Id}: image, heatmap and overlay for {item.Target ?? context.PredictedName(item)}";
        html.Append("<div class=\"fig\">");
        context.AppendFigure(html, ReportContext.Thumbnail(path), alt);
        // The alt text already says what the three panels are; the legend is for the eye only.
        if (compare) html.Append("<p class=\"legend\" aria-hidden=\"true\"><span>image</span><span>map: predicted</span><span>map: true</span></p>");
        html.Append("</div>");
    }

    private static void AppendExplainedCaption(StringBuilder html, ReportContext context, ManifestItem item, bool wrong)
    {
        html.Append($"<div class=\"meta\"><p class=\"title\"><span class=\"id\">{E(item.Id)}</span>");
        if (item.TrueLabel is not null)
            html.Append(wrong ? "<span class=\"badge bad\">wrong</span>" : "<span class=\"badge good\">correct</span>");
        html.Append("</p><p>");
        if (item.TrueLabel is not null) html.Append($"True <b>{E(context.TrueName(item))}</b> · ");
        html.Append($"predicted <b>{E(context.PredictedName(item))}</b></p>");
        if (item.Target is not null || item.Layer is not null)
            html.Append($"<p class=\"target\">Map: {E(string.Join(" · ", new[] { item.Target, item.Layer }.Where(s => s is not null)))}</p>");
        if (item.TopK is { Count: > 0 } topK)
        {
            html.Append("<ol class=\"topk\" aria-label=\"Top classes\">");
            foreach (var entry in topK)
                html.Append($"<li><span class=\"name\">{E(entry.Name ?? context.ClassName(entry.ClassIndex))}</span><meter min=\"0\" max=\"1\" value=\"{Number(entry.Probability)}\"></meter><span class=\"num\">{Percent(entry.Probability)}</span></li>");
            html.Append("</ol>");
        }
        html.Append("</div>");
    }

    private static void AppendFailureCaption(StringBuilder html, ReportContext context, ManifestItem item)
    {
        html.Append($"<div class=\"meta\"><p class=\"title\"><span class=\"id\">{E(item.Id)}</span>");
        if (item.Confidence is double confidence) html.Append($"<span class=\"badge bad\">{Percent(confidence)} sure</span>");
        html.Append($"</p><p>True <b>{E(context.TrueName(item))}</b> · predicted <b>{E(context.PredictedName(item))}</b></p></div>");
    }
}
