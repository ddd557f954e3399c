using System.Text;
using SharpCam.Explanation;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>
/// The model-randomisation sanity check: the plot, the correlation of every step per method, and a flag on each
/// method whose stored verdict is a warning (its maps stay similar to the trained model's however many layers are randomised).
/// </summary>
public static class SanitySection
{
    public const string Id = "sanity";

    public const string StaysHighWarning =
        "maps barely change when the weights are randomised: this method may not be explaining the model";

    internal static bool Applies(ReportContext context) => context.Manifest.Sanity is not null;

    /// <summary>The verdict the check stored when it ran (<see cref="SharpCam.Metrics.SanityCheckResult.Verdict"/>); the report does not judge again.</summary>
    internal static bool StaysHigh(SanityMethod method) => method.Verdict == "warning";

    internal static void Append(StringBuilder html, ReportContext context)
    {
        var sanity = context.Manifest.Sanity!;
        ReportContext.AppendSectionStart(html, Id, "Sanity check");
        html.Append("<p class=\"note\">Layers are randomised one after another from the output back; each step's maps are compared with the trained model's")
            .Append(sanity.Measure is null ? "" : $" ({E(sanity.Measure)} correlation)")
            .Append(". A method that explains the model gives maps whose correlation falls towards 0.</p>");
        if (sanity.Figure is { } figure)
        {
            html.Append("<figure class=\"wide\">");
            context.AppendFigure(html, ReportContext.Preview(figure), "Sanity check: correlation against randomisation step");
            html.Append("<figcaption>Correlation with the trained model's maps at each randomisation step.</figcaption></figure>");
        }
        foreach (var method in sanity.Methods.Where(StaysHigh))
            html.Append($"<p class=\"flag\" role=\"note\"><strong>{E(method.Method)}:</strong> {E(StaysHighWarning)} ({E(method.Summary ?? "")}).</p>");

        var steps = sanity.Methods.SelectMany(m => m.Steps.Select(s => s.Layer)).Distinct().ToList();
        if (steps.Count == 0) { html.Append("</section>"); return; }
        html.Append("<div class=\"scroll\"><table class=\"sanity\"><caption>Correlation after randomising each layer and all layers after it</caption><thead><tr><th scope=\"col\">method</th>");
        foreach (var step in steps) html.Append($"<th scope=\"col\">{E(step)}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var method in sanity.Methods)
        {
            html.Append($"<tr{(StaysHigh(method) ? " class=\"flagged\"" : "")}><th scope=\"row\">{E(method.Method)}</th>");
            foreach (var step in steps)
            {
                var value = method.Steps.FirstOrDefault(s => s.Layer == step);
                html.Append($"<td class=\"num\">{(value is null ? "–" : Number(value.Correlation))}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div></section>");
    }
}
