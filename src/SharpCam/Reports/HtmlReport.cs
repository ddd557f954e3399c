using System.Security.Cryptography;
using System.Text;
using SharpCam.Explanation;
using SharpCam.IO;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>The written report and what went wrong without stopping it (missing or unreadable figures, …).</summary>
public sealed record ReportResult(string Path, IReadOnlyList<string> Warnings);

/// <summary>
/// One HTML page for a run folder (<c>explain</c> or <c>failures</c>) that opens from disk with no server: CSS, script
/// and the item data (JSON) are inline; small JPEG thumbnails are files beside the page (<c>PAGE_files/</c>); a figure
/// is loaded from the run folder, by a URL relative to the page, only when it is opened. A Content-Security-Policy
/// allows nothing but the page's own script and style and local images, so no request can leave the machine. The page
/// stays light however many items the run has: the script renders one page of cards at a time from the data, and the
/// filters, confusion links and ranking work over all of them. Keep the page, its <c>_files</c> folder and the run
/// folder where they are relative to each other (the default, <c>RUN_DIR/report.html</c>, travels with the run folder).
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
        var files = new ReportFiles(runDir, path);
        var context = new ReportContext(manifest, files, []);
        var sections = Sections(context);

        // All thumbnails first (in parallel): then every warning is known before the top of the page is written.
        var requests = ThumbnailRequests(context);
        var done = 0;
        var gate = new object();
        progress?.Report(new ProgressUpdate("report", 0, requests.Count));
        try
        {
            context.Warnings.InsertRange(0, files.Make(requests, () =>
            {
                lock (gate) progress?.Report(new ProgressUpdate("report", ++done, requests.Count));
            }));
            AtomicFile.Write(path, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
                WritePage(writer, context, sections);
            });
        }
        catch
        {
            files.Abandon();
            throw;
        }
        files.RemoveOlderGenerations();
        return new ReportResult(path, context.Warnings);
    }

    private sealed record Section(string Id, string Title, Action<StringBuilder, ReportContext> Append);

    /// <summary>The sections this run has, in reading order.</summary>
    private static List<Section> Sections(ReportContext context)
    {
        var m = context.Manifest;
        var sections = new List<Section> { new(SummarySection.Id, "Model and data", SummarySection.Append) };
        if (EvaluationSection.Applies(context)) sections.Add(new(EvaluationSection.Id, "Accuracy", EvaluationSection.Append));
        if (ConfusionMatrix.For(context) is { } matrix) sections.Add(new(ConfusionSection.Id, "Confusions", (h, c) => ConfusionSection.Append(h, c, matrix)));
        if (context.FailureItems.Count > 0) sections.Add(new(GallerySection.FailuresId, "Mistakes", GallerySection.AppendFailures));
        if (m.Kind == RunKind.Explain && m.Items.Count > 0) sections.Add(new(GallerySection.ExplainedId, "Explained images", GallerySection.AppendExplained));
        if (PhotoSection.Applies(context)) sections.Add(new(PhotoSection.Id, "Photos", PhotoSection.Append));
        if (MetricsSection.Applies(context)) sections.Add(new(MetricsSection.Id, "Metrics", MetricsSection.Append));
        if (SanitySection.Applies(context)) sections.Add(new(SanitySection.Id, "Sanity check", SanitySection.Append));
        return sections;
    }

    /// <summary>Every thumbnail the page shows, once each, in page order (so warnings come in that order too).</summary>
    private static List<ThumbnailRequest> ThumbnailRequests(ReportContext context)
    {
        var m = context.Manifest;
        var requests = new List<ThumbnailRequest>();
        if (m.Figures?.Grid is { } grid) requests.Add(ReportContext.Preview(grid));
        foreach (var (_, items, failures) in GallerySection.Galleries(context))
            requests.AddRange(items.Select(i => GallerySection.ThumbnailOf(i, failures)).OfType<ThumbnailRequest>());
        requests.AddRange(PhotoSection.Figures(m).Select(ReportContext.Thumbnail));
        if (m.Sanity?.Figure is { } sanity) requests.Add(ReportContext.Preview(sanity));
        return requests.Distinct().ToList();
    }

    /// <summary>Writes the page section by section.</summary>
    private static void WritePage(TextWriter writer, ReportContext context, List<Section> sections)
    {
        var m = context.Manifest;
        var title = $"SharpCam {(m.Kind == RunKind.Failures ? "failures" : "explanations")}: {m.Method ?? "CAM"} on {m.Model.Architecture}";
        var html = new StringBuilder(16_384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            // Only the inline style and script below (by hash) and local images ('self' of a file:// page: files on
            // disk): no request can leave the page, and markup injected through a manifest string could not run even
            // if escaping ever failed. The JSON data is a script element the browser never runs, so it needs no hash.
            .Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' data:; style-src '{Sha256(ReportStyles.Source)}'; script-src '{Sha256(ReportScript.Source)}'\">")
            .Append($"<title>{E(title)}</title><link rel=\"icon\" href=\"data:,\">")
            .Append($"<style>{ReportStyles.Source}</style></head><body>")
            .Append($"<header><h1>{E(title)}</h1><p class=\"sub\">{E(Subtitle(m))}</p></header>")
            .Append("<nav aria-label=\"Sections\"><ul>");
        if (context.Warnings.Count > 0) html.Append($"<li><a href=\"#warnings\">Warnings ({context.Warnings.Count})</a></li>");
        foreach (var section in sections) html.Append($"<li><a href=\"#{section.Id}\">{E(section.Title)}</a></li>");
        html.Append("</ul></nav><main>");
        if (context.Warnings.Count > 0)
        {
            html.Append($"<section id=\"warnings\" class=\"warnings\" aria-labelledby=\"warnings-h\"><h2 id=\"warnings-h\">{context.Warnings.Count} warning{(context.Warnings.Count == 1 ? "" : "s")}</h2><ul>");
            foreach (var warning in context.Warnings) html.Append($"<li>{E(warning)}</li>");
            html.Append("</ul></section>");
        }
        foreach (var section in sections)
        {
            writer.Write(html);
            html.Clear();
            section.Append(html, context);
        }
        GallerySection.AppendData(html, context);
        html.Append("</main><footer>Report written by SharpCam: this page, its thumbnails beside it and the run folder's figures; it needs no network.</footer>")
            .Append("<dialog id=\"viewer\" aria-labelledby=\"viewer-caption\"><form method=\"dialog\"><button class=\"close\" aria-label=\"Close\">×</button></form><img alt=\"\"><p id=\"viewer-caption\"></p></dialog>")
            .Append($"<script>{ReportScript.Source}</script></body></html>\n");
        writer.Write(html);
    }

    private static string Subtitle(RunManifest m) =>
        $"{m.Tool} {m.Version} · {m.Created.ToUniversalTime():yyyy-MM-dd HH:mm} UTC" +
        (m.Data?.Source is { } source ? $" · {source}{(m.Data.Split is { } split ? $" ({split})" : "")}" : "");

    private static string Sha256(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
