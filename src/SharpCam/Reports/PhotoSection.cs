using System.Text;
using SharpCam.Explanation;
using static SharpCam.Reports.HtmlText;

namespace SharpCam.Reports;

/// <summary>
/// Photos explained by another model than the run's (the demo's trained featurizer): one card per photo and method,
/// the photo | heatmap | overlay panels with what the map explains.
/// </summary>
public static class PhotoSection
{
    public const string Id = "photos";

    internal static bool Applies(ReportContext context) => context.Manifest.Photos is { Runs.Count: > 0 };

    /// <summary>The figures the section shows, in page order.</summary>
    internal static IEnumerable<string> Figures(RunManifest manifest) =>
        manifest.Photos?.Runs.SelectMany(r => r.Items).Select(i => i.Figures?.Panels ?? i.Figures?.Heatmap).OfType<string>() ?? [];

    internal static void Append(StringBuilder html, ReportContext context)
    {
        var photos = context.Manifest.Photos!;
        ReportContext.AppendSectionStart(html, Id, "Trained photo model");
        html.Append($"<p class=\"note\">{E(photos.Model.Architecture)}: an ImageNet-trained network without class scores, explained ")
            .Append("with Eigen-CAM (the first principal component of its last block's activations; no class needed) and with ")
            .Append("Grad-CAM of the similarity of one photo's features to another's: where in photo A is what makes it look like photo B.</p>");
        html.Append("<ul class=\"cards\">");
        foreach (var run in photos.Runs)
            foreach (var item in run.Items)
            {
                html.Append("<li class=\"card\"><div class=\"fig\">");
                var figure = item.Figures?.Panels ?? item.Figures?.Heatmap;
                var about = $"{run.Method}: {item.Target}";
                if (figure is null) html.Append($"<div class=\"placeholder\" role=\"img\" aria-label=\"No figure for {E(item.Id)}\">no figure in the manifest</div>");
                else context.AppendFigure(html, ReportContext.Thumbnail(figure), $"{item.Id}: image, heatmap and overlay, {about}");
                html.Append($"</div><div class=\"meta\"><p class=\"title\"><span class=\"id\">{E(item.Id)}</span></p>")
                    .Append($"<p class=\"target\">{E(run.Method)} · {E(item.Target ?? "")} · {E(run.Layer ?? "")}</p></div></li>");
            }
        html.Append("</ul></section>");
    }
}
