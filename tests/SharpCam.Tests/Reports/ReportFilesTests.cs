using SharpCam.Explanation;
using SharpCam.Reports;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Reports;

/// <summary>
/// A crafted manifest whose figures point outside the run folder (an absolute path, a symbolic link to a private
/// picture; '..' is covered in ContainedPathTests): the report refuses each by name and copies none of them into its thumbnails.
/// </summary>
public class ReportFilesTests
{
    [Fact]
    public void FiguresOutsideTheRunFolderAreRefusedByNameAndNeverEmbedded()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        var secret = temp.File("private/photo.png");
        File.Copy(RepoPaths.Fixture("rendering/photo.png"), secret);
        File.CreateSymbolicLink(temp.File("run/figures/leak.png"), secret);
        var manifest = File.ReadAllText(RepoPaths.Fixture("reports/manifest-doc-example.json"))
            .Replace("\"figures/grid.png\"", $"\"{secret}\"")
            .Replace("\"figures/test-0003_panels.png\"", "\"figures/leak.png\"");
        File.WriteAllText(Path.Combine(run, RunManifest.FileName), manifest);

        var result = HtmlReport.Generate(run);

        var refused = result.Warnings.Where(w => w.Contains("refused: the run folder's files must stay inside it")).ToList();
        Assert.True(refused.Count == 2, string.Join("\n", result.Warnings));
        Assert.Contains(refused, w => w.StartsWith($"{secret}: ") && w.Contains("it is an absolute path"));
        Assert.Contains(refused, w => w.StartsWith("figures/leak.png: ") && w.Contains($"a symbolic link takes it to {secret}"));
        // Neither became a thumbnail or a link: the page names them only in its warnings.
        var page = new ReportPage(result.Path);
        var thumbnails = Directory.GetFiles(Path.Combine(run, "report_files"), "*.jpg", SearchOption.AllDirectories);
        var urls = page.Document.QuerySelectorAll("img[src], [data-full]").Select(e => e.GetAttribute("src") ?? e.GetAttribute("data-full")!)
            .Concat(page.Data["galleries"]!.AsObject().SelectMany(g => g.Value!.AsArray()).SelectMany(n => new[] { n!["s"], n["f"] }).OfType<System.Text.Json.Nodes.JsonNode>().Select(n => n.GetValue<string>()))
            .ToList();
        Assert.DoesNotContain(urls, u => u.Contains("leak") || u.Contains("private"));
        Assert.Equal(thumbnails.Length, urls.Count(u => u.EndsWith(".jpg")));
    }
}
