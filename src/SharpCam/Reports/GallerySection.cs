using System.Globalization;
using System.Text;
using System.Text.Json;
using SharpCam.Explanation;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>
/// A filterable, paged gallery of items: the explained images, or the misclassified ones (most confident mistakes
/// first, each as image | map for the predicted class | map for the true class). The page holds the filters and an
/// empty list; every item is a record in the page's JSON data (<see cref="AppendData"/>), and the script renders
/// only the cards of the pages shown, so the filters, the confusion links and the ranking work over all items while
/// a 10,000-item report loads one page of thumbnails.
/// </summary>
public static class GallerySection
{
    public const string ExplainedId = "explained", FailuresId = "failures";
    /// <summary>The id of the page's JSON data (<c>script type="application/json"</c>: read by the script, never run).</summary>
    public const string DataId = "report-data";
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

    /// <summary>
    /// The maps a card shows when the run drew no figure for the item (<c>--figures failures|none</c>): failures the
    /// maps for the predicted and the true class, explained images their map.
    /// </summary>
    internal static IReadOnlyList<string> MapsOf(ManifestItem item, bool failures) =>
        (failures ? new[] { item.Maps?.Predicted, item.Maps?.True } : [item.Map]).OfType<string>().ToList();

    /// <summary>The thumbnail of an item's card: of its figure, else of its maps; null when the manifest names neither.</summary>
    internal static ThumbnailRequest? ThumbnailOf(ManifestItem item, bool failures)
    {
        if (FigureOf(item, failures) is { } figure) return ReportContext.Thumbnail(figure);
        var maps = MapsOf(item, failures);
        return maps.Count == 0 ? null : ReportContext.Thumbnail(string.Join(" + ", maps)) with { Maps = maps };
    }

    /// <summary>The galleries this report has, in page order, with their items in display order.</summary>
    internal static IEnumerable<(string Id, IReadOnlyList<ManifestItem> Items, bool Failures)> Galleries(ReportContext context)
    {
        if (context.FailureItems.Count > 0) yield return (FailuresId, ByConfidence(context.FailureItems), true);
        if (context.Manifest.Kind == RunKind.Explain && context.Manifest.Items.Count > 0) yield return (ExplainedId, context.Manifest.Items, false);
    }

    private static void Append(StringBuilder html, ReportContext context, string id, string title, IReadOnlyList<ManifestItem> items, bool failures)
    {
        ReportContext.AppendSectionStart(html, id, title);
        if (failures)
            html.Append("<p class=\"note\">Each row: the image, the map for the predicted class, the map for the true class. Sorted by confidence, most confident first.</p>");
        if (items.Any(i => FigureOf(i, failures) is null))
            html.Append("<p class=\"note\">Items the run drew no figure for show their map")
                .Append(failures ? "s for the predicted and the true class" : "").Append(" as a heatmap.</p>");
        html.Append($"<div class=\"gallery\" id=\"{id}-gallery\" data-page=\"{PageSize}\" data-items=\"{id}\">");
        AppendFilters(html, context, id, items, failures);
        html.Append("<noscript><p class=\"note\">The gallery is drawn by the page's script; allow JavaScript for this file to see it.</p></noscript>")
            .Append("<ul class=\"cards\"></ul>")
            .Append($"<button type=\"button\" class=\"more\"{(items.Count > PageSize ? "" : " hidden")}>Show more</button></div></section>");
    }

    private static void AppendFilters(StringBuilder html, ReportContext context, string id, IReadOnlyList<ManifestItem> items, bool failures)
    {
        html.Append("<div class=\"filters\" role=\"group\" aria-label=\"Filter the images\">");
        AppendSelect(html, context, $"{id}-true", "True class", "true", items.Where(i => i.TrueLabel is not null).Select(i => i.TrueLabel!.Value));
        AppendSelect(html, context, $"{id}-pred", "Predicted class", "pred", items.Select(i => i.PredictedLabel));
        if (!failures && items.Any(IsWrong))
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

    private static bool IsWrong(ManifestItem item) => item.TrueLabel is int t && t != item.PredictedLabel;

    /// <summary>
    /// The items of every gallery as one JSON object, inside a <c>script type="application/json"</c> element the
    /// browser never runs (the JSON writer escapes &lt; &gt; &amp; and quotes, so no text can close the element).
    /// Per item, short keys keep 10,000 items near 2 MB: i id, t/p true/predicted class, tn/pn their names when they
    /// are not the class names, c confidence, s/sw/sh thumbnail URL and size, f full figure URL, v what the picture
    /// is (c compare, p panels, m maps), x/xp the problem and file when there is no picture, m/l target and layer,
    /// k top classes as [class, probability] (a third entry: a name other than the class name).
    /// </summary>
    internal static void AppendData(StringBuilder html, ReportContext context)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("classes");
            for (int c = 0; c < context.ClassCount; c++) json.WriteStringValue(context.ClassName(c));
            json.WriteEndArray();
            json.WriteString("layer", context.Manifest.Layer);
            json.WriteStartObject("galleries");
            foreach (var (id, items, failures) in Galleries(context))
            {
                json.WriteStartArray(id);
                foreach (var item in items) WriteItem(json, context, item, failures);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        html.Append($"<script type=\"application/json\" id=\"{DataId}\">").Append(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)).Append("</script>");
    }

    private static void WriteItem(Utf8JsonWriter json, ReportContext context, ManifestItem item, bool failures)
    {
        json.WriteStartObject();
        json.WriteString("i", item.Id);
        if (item.TrueLabel is int t)
        {
            json.WriteNumber("t", t);
            if (context.TrueName(item) != context.ClassName(t)) json.WriteString("tn", context.TrueName(item));
        }
        json.WriteNumber("p", item.PredictedLabel);
        if (context.PredictedName(item) != context.ClassName(item.PredictedLabel)) json.WriteString("pn", context.PredictedName(item));
        if (failures && item.Confidence is double confidence) WriteRounded(json, "c", confidence);
        if (ThumbnailOf(item, failures) is not { } request)
        {
            json.WriteString("x", "no figure or map in the manifest");
        }
        else if (context.ThumbnailFor(request) is var thumbnail && thumbnail.Ok)
        {
            json.WriteString("s", thumbnail.Url);
            json.WriteNumber("sw", thumbnail.Width);
            json.WriteNumber("sh", thumbnail.Height);
            json.WriteString("v", request.FromMaps ? "m" : request.Path == item.Figures!.Compare ? "c" : "p");
            if (!request.FromMaps) json.WriteString("f", context.Files.FigureUrl(request.Path));
        }
        else
        {
            json.WriteString("x", thumbnail.Problem);
            json.WriteString("xp", thumbnail.Path);
        }
        if (!failures)
        {
            if (item.Target is not null) json.WriteString("m", item.Target);
            if (item.Layer is not null && item.Layer != context.Manifest.Layer) json.WriteString("l", item.Layer);
            if (item.TopK is { Count: > 0 } topK)
            {
                json.WriteStartArray("k");
                foreach (var entry in topK)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(entry.ClassIndex);
                    json.WriteRawValue(Rounded(entry.Probability));
                    if (entry.Name is { } name && name != context.ClassName(entry.ClassIndex)) json.WriteStringValue(name);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
        }
        json.WriteEndObject();
    }

    /// <summary>Probabilities to 5 decimals: the page shows them to 0.1%, and 10,000 items stay small.</summary>
    private static string Rounded(double value) =>
        double.IsFinite(value) ? Math.Round(value, 5).ToString("0.#####", CultureInfo.InvariantCulture) : "null";

    private static void WriteRounded(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        json.WriteRawValue(Rounded(value));
    }
}
