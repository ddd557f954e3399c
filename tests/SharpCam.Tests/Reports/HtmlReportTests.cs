using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Reports;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Reports;

/// <summary>The HTML of real run folders (Fashion-MNIST LeNet, pytorch-grad-cam maps), parsed as a browser would.</summary>
[Collection(ReportRunsFixture.Collection)]
public class HtmlReportTests(ReportRunsFixture runs)
{
    private const string PngPrefix = "data:image/png;base64,";

    private static IDocument Parse(string path) => new HtmlParser().ParseDocument(File.ReadAllText(path));

    private static IReadOnlyList<IElement> Cards(IDocument doc, string gallery) => doc.QuerySelectorAll($"#{gallery}-gallery .card").ToList();

    [SharedDataFact]
    public void EveryFigureIsEmbeddedThumbnailsSmallFullSizeByteForByte()
    {
        var doc = Parse(runs.ExplainReport.Path);
        Assert.Empty(runs.ExplainReport.Warnings);
        var images = doc.QuerySelectorAll("img[src]").ToList();
        // 8 explained + 8 mistakes + grid + sanity plot; the viewer's <img> has no src until a click.
        Assert.Equal(18, images.Count);
        Assert.All(images, img => Assert.StartsWith(PngPrefix, img.GetAttribute("src")));

        var item = runs.Explain.Items[0];
        var card = Cards(doc, GallerySection.ExplainedId)[0];
        var zoom = card.QuerySelector("button.zoom")!;
        var full = Convert.FromBase64String(zoom.GetAttribute("data-full")![PngPrefix.Length..]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(runs.ExplainDir, item.Figures!.Panels!)), full);

        var thumbnail = ImageFile.Decode(Convert.FromBase64String(zoom.QuerySelector("img")!.GetAttribute("src")![PngPrefix.Length..]), "thumbnail");
        // The panels are 672×224: the thumbnail keeps the 3:1 aspect inside the 360×240 box.
        Assert.Equal((360, 120), (thumbnail.Width, thumbnail.Height));
        Assert.Equal("360", zoom.QuerySelector("img")!.GetAttribute("width"));
        Assert.Equal("lazy", zoom.QuerySelector("img")!.GetAttribute("loading"));
    }

    [SharedDataFact]
    public void NothingIsFetchedFromTheNetwork()
    {
        var doc = Parse(runs.ExplainReport.Path);
        var urls = doc.All.SelectMany(e => e.Attributes).Where(a => a.Name is "src" or "href" or "data-full" or "action").Select(a => a.Value).ToList();
        Assert.NotEmpty(urls);
        Assert.All(urls, url => Assert.True(url.StartsWith("data:") || url.StartsWith('#'), $"non-embedded URL {url[..Math.Min(60, url.Length)]}"));
        Assert.Empty(doc.QuerySelectorAll("link[rel=stylesheet], script[src], iframe, object, embed"));
        var csp = doc.QuerySelector("meta[http-equiv=Content-Security-Policy]")!.GetAttribute("content")!;
        Assert.StartsWith("default-src 'none'; img-src data:;", csp);
    }

    [SharedDataFact]
    public void GalleriesHaveOneCardPerItemAndMistakesAreSortedByConfidence()
    {
        var doc = Parse(runs.ExplainReport.Path);
        Assert.Equal(runs.Explain.Items.Select(i => i.Id), Cards(doc, GallerySection.ExplainedId).Select(c => c.QuerySelector(".id")!.TextContent));

        var failures = runs.Explain.Failures!.Items;
        var sorted = failures.OrderByDescending(i => i.Confidence).Select(i => i.Id).ToList();
        Assert.NotEqual(failures.Select(i => i.Id), sorted); // the manifest's order is not already the answer
        var cards = Cards(doc, GallerySection.FailuresId);
        Assert.Equal(sorted, cards.Select(c => c.QuerySelector(".id")!.TextContent));
        var first = failures.First(i => i.Id == sorted[0]);
        Assert.Equal(first.TrueLabel.ToString(), cards[0].GetAttribute("data-true"));
        Assert.Equal(first.PredictedLabel.ToString(), cards[0].GetAttribute("data-pred"));
        Assert.Contains($"predicted {first.PredictedName}", cards[0].TextContent);
        Assert.Contains($"{first.Confidence * 100:0.0}% sure", cards[0].TextContent);
        // The explained images of set A are all correct; every card of the failure gallery is a mistake.
        Assert.All(Cards(doc, GallerySection.ExplainedId), c => Assert.Equal("0", c.GetAttribute("data-wrong")));
        Assert.All(cards, c => Assert.Equal("1", c.GetAttribute("data-wrong")));
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
        var failureCards = Cards(doc, GallerySection.FailuresId);
        foreach (var link in links)
        {
            var (t, p) = (link.GetAttribute("data-true"), link.GetAttribute("data-pred"));
            Assert.Equal("#failures", link.GetAttribute("href"));
            Assert.Equal(confusion[int.Parse(t!)][int.Parse(p!)].ToString(), link.TextContent);
            Assert.Equal(confusion[int.Parse(t!)][int.Parse(p!)], failureCards.Count(c => c.GetAttribute("data-true") == t && c.GetAttribute("data-pred") == p));
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
        Assert.Equal(8, Cards(doc, GallerySection.FailuresId).Count);
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
        Assert.Single(doc.QuerySelectorAll("script"));
        Assert.DoesNotContain(doc.All.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on"));
        Assert.All(doc.QuerySelectorAll("img[src]"), img => Assert.StartsWith(PngPrefix, img.GetAttribute("src")));
        // The text survives intact as text: in the title, the filters, the cards, the warning about the figure path.
        Assert.Contains(hostile, doc.Title);
        Assert.Contains(doc.QuerySelectorAll($"#{GallerySection.FailuresId}-true option"), o => o.TextContent == hostile);
        Assert.Contains(hostile, Cards(doc, GallerySection.ExplainedId)[1].QuerySelector(".id")!.TextContent);
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
        var cards = Cards(doc, GallerySection.ExplainedId);
        Assert.Contains(lost, cards[2].QuerySelector(".placeholder")!.TextContent);
        Assert.Null(cards[2].QuerySelector("img"));
        Assert.Equal(7, cards.Count(c => c.QuerySelector("img") is not null));
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
