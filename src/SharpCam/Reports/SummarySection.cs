using System.Text;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>Model, method and data facts, and the grid of explained inputs.</summary>
public static class SummarySection
{
    public const string Id = "summary";

    internal static void Append(StringBuilder html, ReportContext context)
    {
        var m = context.Manifest;
        ReportContext.AppendSectionStart(html, Id, "Model and data");
        html.Append("<dl class=\"facts\">");
        Fact(html, "Architecture", m.Model.Architecture);
        Fact(html, "Checkpoint", m.Model.Checkpoint);
        Fact(html, "Classes", context.ClassCount > 0 ? context.ClassCount.ToString() : null);
        Fact(html, "Input size", m.Model.InputSize is { Count: > 0 } size ? string.Join(" × ", size) : null);
        Fact(html, "Device", m.Model.Device);
        Fact(html, "Method", m.Method);
        Fact(html, "Target layer", m.Layer);
        Fact(html, "Normalisation", m.Normalization);
        Fact(html, "Target", m.TargetRule);
        Fact(html, "Data", m.Data?.Source);
        Fact(html, "Split", m.Data?.Split);
        Fact(html, "Images", m.Data is { } data ? Count(data.Count) : null);
        Fact(html, "Explained", Count(m.Items.Count));
        html.Append("</dl>");
        if (m.Figures?.Grid is { } grid)
        {
            html.Append("<figure class=\"wide\">");
            context.AppendFigure(html, ReportContext.Preview(grid), "Grid of the explained inputs");
            html.Append("<figcaption>The explained inputs.</figcaption></figure>");
        }
        html.Append("</section>");
    }

    private static void Fact(StringBuilder html, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) html.Append($"<div><dt>{E(name)}</dt><dd>{E(value)}</dd></div>");
    }
}
