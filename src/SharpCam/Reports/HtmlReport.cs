using System.Security.Cryptography;
using System.Text;
using SharpCam.Explanation;
using SharpCam.IO;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>The written report and what went wrong without stopping it (missing or unreadable figures, …).</summary>
public sealed record ReportResult(string Path, IReadOnlyList<string> Warnings);

/// <summary>
/// One self-contained HTML page for a run folder (<c>explain</c> or <c>failures</c>): every figure is embedded as a
/// data: URI (a small PNG thumbnail; full size on click), CSS and script are inline, and a Content-Security-Policy
/// forbids any network access, so the file reads the same offline, mailed or archived.
/// <para>Errors: a missing or invalid manifest throws, naming the file. A missing or unreadable figure does not: it
/// becomes a placeholder in the page and a line in the warning list at the top (and in <see cref="ReportResult.Warnings"/>).</para>
/// </summary>
public static class HtmlReport
{
    public const string DefaultFileName = "report.html";

    /// <summary>Writes the report of <paramref name="runDir"/> (default <c>DIR/report.html</c>) atomically; returns its path.</summary>
    public static string Write(string runDir, string? outputPath = null, IProgress<ProgressUpdate>? progress = null) =>
        Generate(runDir, outputPath, progress).Path;

    /// <summary>As <see cref="Write"/>, also returning the warnings shown at the top of the page.</summary>
    public static ReportResult Generate(string runDir, string? outputPath = null, IProgress<ProgressUpdate>? progress = null)
    {
        var manifest = RunManifest.Load(runDir);
        var path = Path.GetFullPath(outputPath ?? Path.Combine(runDir, DefaultFileName));
        var warnings = new List<string>();
        var total = FigureReferences(manifest);
        var done = 0;
        progress?.Report(new ProgressUpdate("report", 0, total));
        var context = new ReportContext(manifest, new FigureEmbedder(runDir, warnings), warnings,
            figure => progress?.Report(new ProgressUpdate("report", ++done, total, figure)));

        var html = Page(context, Body(context));
        AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(html)));
        return new ReportResult(path, warnings);
    }

    private static int FigureReferences(RunManifest m) =>
        (m.Figures?.Grid is null ? 0 : 1) + (m.Sanity?.Figure is null ? 0 : 1) +
        m.Items.Concat(m.Kind == RunKind.Failures ? [] : m.Failures?.Items ?? []).Count(i => i.Figures is { Heatmap: not null } or { Panels: not null } or { Compare: not null });

    /// <summary>The sections in reading order, and the navigation entries of those present.</summary>
    private static (string Html, List<(string Id, string Title)> Nav) Body(ReportContext context)
    {
        var html = new StringBuilder();
        var nav = new List<(string, string)>();
        void Add(string id, string title, Action<StringBuilder, ReportContext> append)
        {
            nav.Add((id, title));
            append(html, context);
        }

        Add(SummarySection.Id, "Model and data", SummarySection.Append);
        if (EvaluationSection.Applies(context)) Add(EvaluationSection.Id, "Accuracy", EvaluationSection.Append);
        if (ConfusionMatrix.For(context) is { } matrix) Add(ConfusionSection.Id, "Confusions", (h, c) => ConfusionSection.Append(h, c, matrix));
        if (context.FailureItems.Count > 0) Add(GallerySection.FailuresId, "Mistakes", GallerySection.AppendFailures);
        if (context.Manifest.Kind == RunKind.Explain && context.Manifest.Items.Count > 0)
            Add(GallerySection.ExplainedId, "Explained images", GallerySection.AppendExplained);
        if (MetricsSection.Applies(context)) Add(MetricsSection.Id, "Metrics", MetricsSection.Append);
        if (SanitySection.Applies(context)) Add(SanitySection.Id, "Sanity check", SanitySection.Append);
        return (html.ToString(), nav);
    }

    private static string Page(ReportContext context, (string Html, List<(string Id, string Title)> Nav) body)
    {
        var m = context.Manifest;
        var title = $"SharpCam {(m.Kind == RunKind.Failures ? "failures" : "explanations")}: {m.Method ?? "CAM"} on {m.Model.Architecture}";
        var page = new StringBuilder(body.Html.Length + 16_384);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            // Only the inline style and script below (by hash) and data: images: no request can leave the page,
            // and markup injected through a manifest string could not run even if escaping ever failed.
            .Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src '{Sha256(ReportStyles.Source)}'; script-src '{Sha256(ReportScript.Source)}'\">")
            .Append($"<title>{E(title)}</title><link rel=\"icon\" href=\"data:,\">")
            .Append($"<style>{ReportStyles.Source}</style></head><body>")
            .Append($"<header><h1>{E(title)}</h1><p class=\"sub\">{E(Subtitle(m))}</p></header>")
            .Append("<nav aria-label=\"Sections\"><ul>");
        if (context.Warnings.Count > 0) page.Append($"<li><a href=\"#warnings\">Warnings ({context.Warnings.Count})</a></li>");
        foreach (var (id, name) in body.Nav) page.Append($"<li><a href=\"#{id}\">{E(name)}</a></li>");
        page.Append("</ul></nav><main>");
        if (context.Warnings.Count > 0)
        {
            page.Append($"<section id=\"warnings\" class=\"warnings\" aria-labelledby=\"warnings-h\"><h2 id=\"warnings-h\">{context.Warnings.Count} warning{(context.Warnings.Count == 1 ? "" : "s")}</h2><ul>");
            foreach (var warning in context.Warnings) page.Append($"<li>{E(warning)}</li>");
            page.Append("</ul></section>");
        }
        page.Append(body.Html)
            .Append("</main><footer>Self-contained report written by SharpCam; it needs no network.</footer>")
            .Append("<dialog id=\"viewer\" aria-labelledby=\"viewer-caption\"><form method=\"dialog\"><button class=\"close\" aria-label=\"Close\">×</button></form><img alt=\"\"><p id=\"viewer-caption\"></p></dialog>")
            .Append($"<script>{ReportScript.Source}</script></body></html>\n");
        return page.ToString();
    }

    private static string Subtitle(RunManifest m) =>
        $"{m.Tool} {m.Version} · {m.Created.ToUniversalTime():yyyy-MM-dd HH:mm} UTC" +
        (m.Data?.Source is { } source ? $" · {source}{(m.Data.Split is { } split ? $" ({split})" : "")}" : "");

    private static string Sha256(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
