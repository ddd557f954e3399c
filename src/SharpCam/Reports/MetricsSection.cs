using System.Text;
using SharpCam.Explanation;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>Faithfulness metrics: one row per metric, one column per method, each cell the mean over images.</summary>
public static class MetricsSection
{
    public const string Id = "metrics";

    internal static bool Applies(ReportContext context) => context.Manifest.Metrics is { Count: > 0 };

    internal static void Append(StringBuilder html, ReportContext context)
    {
        var series = context.Manifest.Metrics!;
        var methods = series.Select(s => s.Method).Distinct().ToList();
        var names = series.Select(s => s.Name).Distinct().ToList();
        ReportContext.AppendSectionStart(html, Id, "Metrics");
        html.Append("<div class=\"scroll\"><table class=\"metrics\"><caption>Mean over the explained images (n = number of values)</caption><thead><tr><th scope=\"col\">metric</th>");
        foreach (var method in methods) html.Append($"<th scope=\"col\">{E(method)}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var name in names)
        {
            var direction = series.FirstOrDefault(s => s.Name == name && s.HigherIsBetter is not null)?.HigherIsBetter;
            html.Append($"<tr><th scope=\"row\">{E(name)}{Direction(direction)}</th>");
            foreach (var method in methods)
            {
                var cell = series.FirstOrDefault(s => s.Name == name && s.Method == method);
                html.Append(cell is null ? "<td class=\"num\">–</td>" : $"<td class=\"num\">{Mean(cell)} <small>(n = {cell.Values.Count})</small></td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div></section>");
    }

    private static string Mean(MetricSeries series) =>
        series.Mean is double mean ? Number(mean) : series.Values.Count > 0 ? Number(series.Values.Average()) : "–";

    private static string Direction(bool? higherIsBetter) => higherIsBetter switch
    {
        true => " <small class=\"dir\">(higher is better)</small>",
        false => " <small class=\"dir\">(lower is better)</small>",
        null => "",
    };
}
