using System.Text;
using SharpCam.Explanation;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>What every section of the report needs: the manifest, class names, thumbnails and the warning list.</summary>
internal sealed class ReportContext(RunManifest manifest, ReportFiles files, List<string> warnings)
{
    /// <summary>Gallery thumbnails fit this box (CSS pixels at 1×).</summary>
    public const int ThumbWidth = 360, ThumbHeight = 240;
    /// <summary>Single figures (grid, sanity plot) are previewed larger.</summary>
    public const int PreviewWidth = 720, PreviewHeight = 480;

    public RunManifest Manifest { get; } = manifest;
    /// <summary>The thumbnails beside the page and the URLs of the run folder's figures.</summary>
    public ReportFiles Files { get; } = files;
    /// <summary>Problems that did not stop the report; listed at its top.</summary>
    public List<string> Warnings { get; } = warnings;

    /// <summary>Misclassified items to show beside their maps: the items of a failures run, or an explain run's failure section.</summary>
    public IReadOnlyList<ManifestItem> FailureItems { get; } =
        manifest.Kind == RunKind.Failures ? manifest.Items : manifest.Failures?.Items ?? [];

    /// <summary>The gallery that confusion-matrix cells filter: the failure gallery when there is one.</summary>
    public string ConfusionTargetGallery => FailureItems.Count > 0 ? GallerySection.FailuresId : GallerySection.ExplainedId;

    public IReadOnlyList<ManifestItem> ConfusionTargetItems => FailureItems.Count > 0 ? FailureItems : Manifest.Items;

    public int ClassCount => new[]
    {
        Manifest.Model.NumClasses, Manifest.ClassNames.Count, Manifest.Evaluation?.Confusion?.Count ?? 0,
        Manifest.Evaluation?.PerClassAccuracy?.Count ?? 0,
    }.Max();

    public string ClassName(int? index) =>
        index is not int i ? "unknown" : i >= 0 && i < Manifest.ClassNames.Count ? Manifest.ClassNames[i] : i.ToString();

    public string TrueName(ManifestItem item) => item.TrueName ?? ClassName(item.TrueLabel);
    public string PredictedName(ManifestItem item) => item.PredictedName ?? ClassName(item.PredictedLabel);

    public static ThumbnailRequest Thumbnail(string path) => new(path, ThumbWidth, ThumbHeight);
    public static ThumbnailRequest Preview(string path) => new(path, PreviewWidth, PreviewHeight);

    public Thumbnail ThumbnailFor(ThumbnailRequest request) => Files.Of(request);

    /// <summary>A clickable thumbnail of a figure (the figure file itself in the viewer), or a placeholder naming the missing file.</summary>
    public void AppendFigure(StringBuilder html, ThumbnailRequest request, string alt)
    {
        var thumbnail = ThumbnailFor(request);
        if (!thumbnail.Ok)
        {
            html.Append($"<div class=\"placeholder\" role=\"img\" aria-label=\"{E(alt)} (missing)\">{E(thumbnail.Problem)}:<br><code>{E(thumbnail.Path)}</code></div>");
            return;
        }
        html.Append($"<button type=\"button\" class=\"zoom\" data-full=\"{E(Files.FigureUrl(request.Path))}\" aria-label=\"Enlarge: {E(alt)}\">")
            .Append($"<img src=\"{E(thumbnail.Url)}\" width=\"{thumbnail.Width}\" height=\"{thumbnail.Height}\" alt=\"{E(alt)}\" decoding=\"async\">")
            .Append("</button>");
    }

    public static void AppendSectionStart(StringBuilder html, string id, string title) =>
        html.Append($"<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{E(title)}</h2>");
}
