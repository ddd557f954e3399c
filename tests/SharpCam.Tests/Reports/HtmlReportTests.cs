using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Reports;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Reports;

/// <summary>The HTML of real run folders (Fashion-MNIST LeNet, pytorch-grad-cam maps), parsed as a browser would.</summary>
[Collection(ReportRunsFixture.Collection)]
public class HtmlReportTests(ReportRunsFixture runs)
{
    private static IDocument Parse(string path) => new HtmlParser().ParseDocument(File.ReadAllText(path));

    private static List<string> Ids(ReportPage page, string gallery) => page.Items(gallery).Select(n => n["i"]!.GetValue<string>()).ToList();

    [SharedDataFact]
    public void ThumbnailsAreSmallFilesBesideThePageAndFiguresStayInTheRunFolder()
    {
        var page = new ReportPage(runs.ExplainReport.Path);
        Assert.Empty(runs.ExplainReport.Warnings);
        // The grid and the sanity plot are in the page; the cards are drawn by the script from the data.
        var previews = page.Document.QuerySelectorAll("img[src]").ToList();
        Assert.Equal(2, previews.Count);
        var thumbnails = previews.Select(i => i.GetAttribute("src")!).Concat(new[] { GallerySection.FailuresId, GallerySection.ExplainedId }
            .SelectMany(g => page.Items(g)).Select(n => n["s"]!.GetValue<string>())).ToList();
        Assert.Equal(18, thumbnails.Distinct().Count());
        var folder = Path.ChangeExtension(page.Path, null) + "_files";
        Assert.All(thumbnails, url => Assert.StartsWith(folder + Path.DirectorySeparatorChar, page.FileOf(url)));
        Assert.All(thumbnails, url => Assert.Equal([0xFF, 0xD8, 0xFF], File.ReadAllBytes(page.FileOf(url))[..3]));   // JPEG

        var item = page.Items(GallerySection.ExplainedId)[0];
        // The full figure is the run folder's own file, named relative to the page (explain.html sits beside the run folder).
        Assert.Equal(Path.Combine(runs.ExplainDir, runs.Explain.Items[0].Figures!.Panels!), page.FileOf(item["f"]!.GetValue<string>()));
        var thumbnail = ImageFile.Read(page.FileOf(item["s"]!.GetValue<string>()));
        // The panels are 672×224: the thumbnail keeps the 3:1 aspect inside the 360×240 box.
        Assert.Equal((360, 120), (thumbnail.Width, thumbnail.Height));
        Assert.Equal((360, 120), (item["sw"]!.GetValue<int>(), item["sh"]!.GetValue<int>()));
        Assert.Equal("p", item["v"]!.GetValue<string>());
        Assert.Equal("c", page.Items(GallerySection.FailuresId)[0]["v"]!.GetValue<string>());
    }

    [SharedDataFact]
    public void NothingIsFetchedFromTheNetwork()
    {
        var page = new ReportPage(runs.ExplainReport.Path);
        var doc = page.Document;
        var urls = doc.All.SelectMany(e => e.Attributes).Where(a => a.Name is "src" or "href" or "data-full" or "action").Select(a => a.Value)
            .Concat(new[] { GallerySection.FailuresId, GallerySection.ExplainedId }.SelectMany(page.Items).SelectMany(n => new[] { n["s"], n["f"] }).OfType<JsonNode>().Select(n => n.GetValue<string>()))
            .ToList();
        Assert.NotEmpty(urls);
        // Relative URLs only (a data: favicon, #anchors, files beside the page and in the run folder): no scheme, no host.
        Assert.All(urls, url => Assert.True(url == "data:," || url.StartsWith('#') || !url.Contains(':') && !url.StartsWith('/'), $"non-local URL {url[..Math.Min(60, url.Length)]}"));
        Assert.Empty(doc.QuerySelectorAll("link[rel=stylesheet], script[src], iframe, object, embed"));
        var csp = doc.QuerySelector("meta[http-equiv=Content-Security-Policy]")!.GetAttribute("content")!;
        Assert.StartsWith("default-src 'none'; img-src 'self' data:;", csp);
    }

    [SharedDataFact]
    public void GalleriesHaveOneItemEachAndMistakesAreSortedByConfidence()
    {
        var page = new ReportPage(runs.ExplainReport.Path);
        Assert.Equal(runs.Explain.Items.Select(i => i.Id), Ids(page, GallerySection.ExplainedId));

        var failures = runs.Explain.Failures!.Items;
        var sorted = failures.OrderByDescending(i => i.Confidence).Select(i => i.Id).ToList();
        Assert.NotEqual(failures.Select(i => i.Id), sorted); // the manifest's order is not already the answer
        Assert.Equal(sorted, Ids(page, GallerySection.FailuresId));
        var first = failures.First(i => i.Id == sorted[0]);
        var record = page.Items(GallerySection.FailuresId)[0];
        Assert.Equal(first.TrueLabel, record["t"]!.GetValue<int>());
        Assert.Equal(first.PredictedLabel, record["p"]!.GetValue<int>());
        Assert.Equal(first.Confidence!.Value, record["c"]!.GetValue<double>(), 5e-6);   // rounded to 5 decimals
        Assert.Null(record["pn"]);   // the class name, not repeated per item
        // The explained images of set A are all correct; every item of the failure gallery is a mistake.
        Assert.All(page.Items(GallerySection.ExplainedId), n => Assert.Equal(n["t"]!.GetValue<int>(), n["p"]!.GetValue<int>()));
        Assert.All(page.Items(GallerySection.FailuresId), n => Assert.NotEqual(n["t"]!.GetValue<int>(), n["p"]!.GetValue<int>()));
        Assert.Equal(ReportRunFolder.ClassNames, page.Data["classes"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [SharedDataFact]
    public void OffDiagonalConfusionCellsLinkToTheirExamples()
    {
        var doc = Parse(runs.ExplainReport.Path);
        var confusion = runs.Explain.Evaluation!.Confusion!;
        var links = doc.QuerySelectorAll("table.confusion a.cell").ToList();
        // Set A′: (7→5), (4→6) ×2, (5→7), (9→5), (3→4), (3→6) ×2 — six distinct pairs.
        var expected = runs.Explain.Failures!.Items.Select(i => (i.TrueLabel!.Value, i.PredictedLabel)).Distinct().Order().ToList();
        Assert.Equal(6, expected.Count);
        Assert.Equal(expected, links.Select(a => (int.Parse(a.GetAttribute("data-true")!), int.Parse(a.GetAttribute("data-pred")!))).Order());
        var failureItems = new ReportPage(runs.ExplainReport.Path).Items(GallerySection.FailuresId);
        foreach (var link in links)
        {
            var (t, p) = (link.GetAttribute("data-true"), link.GetAttribute("data-pred"));
            Assert.Equal("#failures", link.GetAttribute("href"));
            Assert.Equal(confusion[int.Parse(t!)][int.Parse(p!)].ToString(), link.TextContent);
            Assert.Equal(confusion[int.Parse(t!)][int.Parse(p!)], failureItems.Count(n => n["t"]!.ToString() == t && n["p"]!.ToString() == p));
        }
        Assert.Empty(doc.QuerySelectorAll("table.confusion td.diag a"));
        var rows = doc.QuerySelectorAll("table.confusion tbody tr").ToList();
        Assert.Equal(10, rows.Count);
        Assert.Equal("3", rows[1].QuerySelectorAll("td")[1].TextContent); // three Trousers, all right

        var pairs = doc.QuerySelectorAll("ol.pairs li").Select(li => li.TextContent).ToList();
        Assert.Equal(6, pairs.Count);
        Assert.Equal("Dress taken for Shirt: 2", pairs[0]);
        Assert.Equal("Coat taken for Shirt: 2", pairs[1]);
    }

    [SharedDataFact]
    public void FailuresRunCountsItsConfusionsFromItsItems()
    {
        var doc = Parse(runs.FailuresReport.Path);
        Assert.Null(doc.GetElementById(EvaluationSection.Id));
        Assert.Null(doc.GetElementById(GallerySection.ExplainedId));
        Assert.Equal(8, new ReportPage(runs.FailuresReport.Path).Items(GallerySection.FailuresId).Count);
        Assert.Contains("Counted among the 8 misclassified images", doc.GetElementById(ConfusionSection.Id)!.TextContent);
        var links = doc.QuerySelectorAll("table.confusion a.cell").ToList();
        Assert.Equal(8, links.Sum(a => int.Parse(a.TextContent)));
        Assert.All(doc.QuerySelectorAll("table.confusion td.diag"), td => Assert.Equal("0", td.TextContent));
    }

    [SharedDataFact]
    public void AccuracyMetricsAndSanityShowTheManifestsNumbers()
    {
        var doc = Parse(runs.ExplainReport.Path);
        var stats = doc.QuerySelector($"#{EvaluationSection.Id} .stats")!.TextContent;
        Assert.Contains("50.0%", stats); // 8 right of 16
        Assert.Contains("16", stats);
        var perClass = doc.QuerySelectorAll(".per-class tbody tr").ToList();
        Assert.Equal(10, perClass.Count);
        Assert.Contains("no test image", perClass[0].TextContent); // no T-shirt among the 16
        Assert.Equal("1", perClass[1].QuerySelector("meter")!.GetAttribute("value"));

        var road = runs.Explain.Metrics!.Single(m => m.Name == "road_combined");
        var row = doc.QuerySelectorAll(".metrics tbody tr").Single(r => r.QuerySelector("th")!.TextContent.StartsWith("road_combined"));
        Assert.Equal($"{HtmlTextNumber(road.Mean!.Value)} (n = 8)", row.QuerySelector("td")!.TextContent);
        Assert.Contains("higher is better", row.QuerySelector("th")!.TextContent);

        // Grad-CAM's real maps decorrelate once the LeNet's weights are random; the input-brightness baseline cannot.
        var sanity = runs.Explain.Sanity!;
        Assert.Equal("passes", sanity.Methods[0].Verdict);   // the verdict is stored once; the report shows it, never judges again
        Assert.Equal("warning", sanity.Methods[1].Verdict);
        var flags = doc.QuerySelectorAll($"#{SanitySection.Id} .flag").ToList();
        var flag = Assert.Single(flags);
        Assert.StartsWith($"{InputBrightnessCam.MethodName}: {SanitySection.StaysHighWarning}", flag.TextContent);
        Assert.Equal(ReportRunFolder.RandomisedLayers, doc.QuerySelectorAll(".sanity thead th").Skip(1).Select(th => th.TextContent));
    }

    private static string HtmlTextNumber(double value) => value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);

    [SharedDataFact]
    public void EveryStringFromTheManifestIsEscaped()
    {
        const string hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;";
        var dir = runs.Copy(runs.ExplainDir, "hostile");
        var m = runs.Explain;
        ManifestItem Taint(ManifestItem item) => item with
        {
            Id = item.Id + hostile, TrueName = hostile, PredictedName = hostile, Target = hostile, Layer = hostile,
            TopK = item.TopK!.Select(k => k with { Name = hostile }).ToList(),
        };
        var badFigure = "figures/" + hostile + ".png";
        (m with
        {
            Version = hostile, Method = hostile, Layer = hostile, Normalization = hostile, TargetRule = hostile,
            Model = m.Model with { Architecture = hostile, Checkpoint = hostile, Device = hostile },
            Data = m.Data! with { Source = hostile, Split = hostile },
            ClassNames = m.ClassNames.Select(_ => hostile).ToList(),
            Items = m.Items.Select(Taint).Select((item, i) => i == 0 ? item with { Figures = new ItemFigures { Panels = badFigure } } : item).ToList(),
            Failures = new FailureSection { Items = m.Failures!.Items.Select(Taint).ToList() },
            Metrics = m.Metrics!.Select(s => s with { Name = hostile, Method = hostile }).ToList(),
            Sanity = m.Sanity! with { Measure = hostile, Methods = m.Sanity.Methods.Select(s => s with { Method = hostile, Steps = s.Steps.Select(st => st with { Layer = hostile }).ToList() }).ToList() },
        }).Save(dir);

        var result = HtmlReport.Generate(dir);
        var html = File.ReadAllText(result.Path);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img src=x", html);
        var doc = Parse(result.Path);
        Assert.Single(doc.QuerySelectorAll("script:not([type='application/json'])"));
        Assert.DoesNotContain(doc.All.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on"));
        Assert.All(doc.QuerySelectorAll("img[src]"), img => Assert.DoesNotContain("<", img.GetAttribute("src")));
        // The text survives intact as text: in the title, the filters, the cards, the warning about the figure path.
        Assert.Contains(hostile, doc.Title);
        Assert.Contains(doc.QuerySelectorAll($"#{GallerySection.FailuresId}-true option"), o => o.TextContent == hostile);
        Assert.Contains(hostile, Ids(new ReportPage(result.Path), GallerySection.ExplainedId)[1]);
        Assert.Contains(result.Warnings, w => w.Contains(badFigure));
        Assert.Contains(doc.QuerySelectorAll("#warnings li"), li => li.TextContent.Contains(badFigure));
    }

    [SharedDataFact]
    public void AMissingFigureBecomesAPlaceholderAndAWarning()
    {
        var dir = runs.Copy(runs.ExplainDir, "missing");
        var lost = runs.Explain.Items[2].Figures!.Panels!;
        File.Delete(Path.Combine(dir, lost));
        File.WriteAllText(Path.Combine(dir, runs.Explain.Figures!.Grid!), "not a png");

        var result = HtmlReport.Generate(dir);
        Assert.Equal(2, result.Warnings.Count);
        Assert.Contains($"{lost}: figure file not found", result.Warnings[1]);
        Assert.Contains($"{runs.Explain.Figures.Grid}: not a readable image", result.Warnings[0]);
        var doc = Parse(result.Path);
        Assert.Equal(2, doc.QuerySelectorAll("#warnings li").Length);
        Assert.Equal("Warnings (2)", doc.QuerySelector("nav a[href='#warnings']")!.TextContent);
        var items = new ReportPage(result.Path).Items(GallerySection.ExplainedId);
        Assert.Equal("figure file not found", items[2]["x"]!.GetValue<string>());
        Assert.Equal(lost, items[2]["xp"]!.GetValue<string>());
        Assert.Null(items[2]["s"]);
        Assert.Equal(7, items.Count(n => n["s"] is not null));
        Assert.Contains(runs.Explain.Figures.Grid!, doc.QuerySelector($"#{SummarySection.Id} .placeholder")!.TextContent);
    }

    [SharedDataFact]
    public void WritesAtomicallyToTheRunFolderAndReportsProgress()
    {
        var dir = runs.Copy(runs.FailuresDir, "default-path");
        var progress = new ProgressLog();
        var path = HtmlReport.Write(dir, progress: progress);
        Assert.Equal(Path.Combine(dir, HtmlReport.DefaultFileName), path);
        Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp"));
        Assert.Equal(9, progress.Reports.Count); // the start, then one per figure
        Assert.All(progress.Reports, u => Assert.Equal(8, u.Total));
        Assert.Equal(8, progress.Reports[^1].Done);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));

        // Written again, the page names a new generation of thumbnails and the old one is gone: one folder, 8 files.
        // So is a generation a killed report left half-written (its page was never written, so no page names it).
        var files = Path.Combine(dir, "report_files");
        var before = Assert.Single(Directory.GetDirectories(files));
        File.WriteAllBytes(Directory.CreateDirectory(Path.Combine(files, "0badc0de")).FullName + "/0.jpg", [0xFF, 0xD8]);
        HtmlReport.Write(dir);
        var after = Assert.Single(Directory.GetDirectories(files));
        Assert.NotEqual(before, after);
        Assert.Equal(8, Directory.GetFiles(after).Length);
        Assert.All(new ReportPage(path).Items(GallerySection.FailuresId), n => Assert.StartsWith($"report_files/{Path.GetFileName(after)}/", n["s"]!.GetValue<string>()));
    }

    [SharedDataFact]
    public void ItemsWithoutFiguresShowTheirMapsAsHeatmaps()
    {
        var dir = runs.Copy(runs.ExplainDir, "no-figures");
        var m = runs.Explain;
        (m with
        {
            Items = m.Items.Select(i => i with { Figures = null }).ToList(),
            Failures = new FailureSection { Items = m.Failures!.Items.Select(i => i with { Figures = null }).ToList() },
        }).Save(dir);
        var result = HtmlReport.Generate(dir);
        Assert.Empty(result.Warnings);
        var page = new ReportPage(result.Path);
        var explained = page.Items(GallerySection.ExplainedId)[0];
        Assert.Equal("m", explained["v"]!.GetValue<string>());
        Assert.Null(explained["f"]);
        // The 28×28 map upsampled to 120×120 in blue-white-red; a mistake shows both maps side by side.
        var map = ImageFile.Read(page.FileOf(explained["s"]!.GetValue<string>()));
        Assert.Equal((120, 120), (map.Width, map.Height));
        // Its hottest cell is red and its coldest blue, where they are in the map (bwr: 0 blue, 1 red).
        var values = TensorImages.ToArray(Npy.Load(Path.Combine(dir, m.Items[0].Map!)));
        var cells = Enumerable.Range(0, 28 * 28).Select(k => (Y: k / 28, X: k % 28)).ToList();
        (byte R, byte G, byte B) At((int Y, int X) cell)
        {
            int o = 3 * ((cell.Y * 120 / 28 + 2) * 120 + cell.X * 120 / 28 + 2);
            return (map.Pixels[o], map.Pixels[o + 1], map.Pixels[o + 2]);
        }
        var (hot, cold) = (At(cells.MaxBy(c => values[c.Y, c.X])), At(cells.MinBy(c => values[c.Y, c.X])));
        Assert.True(hot.R > hot.B + 100 && cold.B > cold.R + 100, $"hottest {hot}, coldest {cold}");
        var both = ImageFile.Read(page.FileOf(page.Items(GallerySection.FailuresId)[0]["s"]!.GetValue<string>()));
        Assert.Equal((240, 120), (both.Width, both.Height));
        Assert.Contains("show their maps for the predicted and the true class as a heatmap", page.Document.GetElementById(GallerySection.FailuresId)!.TextContent);
    }

    [Fact]
    public void AFolderWithoutManifestNamesTheFile()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => HtmlReport.Write(temp.Path));
        Assert.Contains(Path.Combine(temp.Path, RunManifest.FileName), e.Message);
        Assert.False(File.Exists(Path.Combine(temp.Path, HtmlReport.DefaultFileName)));
    }
}
