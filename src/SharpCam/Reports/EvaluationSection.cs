using System.Text;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>Test accuracy and loss, and accuracy per class.</summary>
public static class EvaluationSection
{
    public const string Id = "evaluation";

    internal static bool Applies(ReportContext context) => context.Manifest.Evaluation is not null;

    internal static void Append(StringBuilder html, ReportContext context)
    {
        var evaluation = context.Manifest.Evaluation!;
        ReportContext.AppendSectionStart(html, Id, "Accuracy");
        html.Append("<dl class=\"stats\">");
        if (evaluation.TestAcc is double acc) Stat(html, "Test accuracy", Percent(acc));
        if (evaluation.TestLoss is double loss) Stat(html, "Test loss", Number(loss));
        if (evaluation.N is long n) Stat(html, "Test images", Count(n));
        html.Append("</dl>");

        if (evaluation.PerClassAccuracy is { Count: > 0 } perClass)
        {
            html.Append("<table class=\"per-class\"><caption>Accuracy per class</caption>")
                .Append("<thead><tr><th scope=\"col\">class</th><th scope=\"col\">accuracy</th></tr></thead><tbody>");
            for (int c = 0; c < perClass.Count; c++)
                html.Append($"<tr><th scope=\"row\">{E(context.ClassName(c))}</th><td>")
                    .Append(perClass[c] is double a ? $"<meter min=\"0\" max=\"1\" value=\"{Number(a)}\"></meter> {Percent(a)}" : "– <small>(no test image)</small>")
                    .Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        html.Append("</section>");
    }

    private static void Stat(StringBuilder html, string name, string value) =>
        html.Append($"<div><dt>{E(name)}</dt><dd>{E(value)}</dd></div>");
}
