using System.Diagnostics;
using SharpCam.Images;
using SharpCam.Reports;
using SharpCam.Tests.Support;
using Xunit.Abstractions;

namespace SharpCam.Tests.Reports;

/// <summary>A fact that needs Debian's Chromium and ../shared; skipped (not failed) where either is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Unavailable is { } reason) Skip = reason;
        else if (SharedData.Root is null) Skip = "../shared (reference fixtures) is not present beside the repository";
    }
}

/// <summary>The report opened from file:// in real headless Chromium: no errors, filtering, paging, the viewer.</summary>
[Collection(ReportRunsFixture.Collection)]
public class HtmlReportBrowserTests(ReportRunsFixture runs, ITestOutputHelper output)
{
    private const string Visible = ":not([hidden])";

    [ChromiumFact]
    public async Task ReportWorksInChromiumWithoutErrors()
    {
        var clock = Stopwatch.StartNew();
        var report = runs.ExplainReport.Path;
        await using var browser = await HeadlessChromium.LaunchAsync();
        await browser.NavigateAsync(new Uri(report).AbsoluteUri);
        output.WriteLine($"launched and loaded in {clock.ElapsedMilliseconds} ms");

        var failures = $"#{GallerySection.FailuresId}-gallery";
        var explained = $"#{GallerySection.ExplainedId}-gallery";
        Assert.Equal(8, await browser.EvaluateAsync<int>($"document.querySelectorAll('{explained} .card{Visible}').length"));
        Assert.Equal(8, await browser.EvaluateAsync<int>($"document.querySelectorAll('{failures} .card{Visible}').length"));
        // Every embedded picture decodes. Copies are decoded: the lazy originals below the fold never load headless.
        Assert.Equal(18, await browser.EvaluateAsync<int>(
            "Promise.all([...document.images].filter(i => i.src).map(i => { const c = new Image(); c.src = i.src; return c.decode().then(() => c.naturalWidth > 0, () => false); })).then(ok => ok.filter(Boolean).length)"));

        await SaveScreenshot(browser, "report.png");

        // Dress taken for Shirt (3 → 6): two of the eight mistakes.
        await browser.ClickAsync("table.confusion a.cell[data-true='3'][data-pred='6']");
        var shown = await browser.EvaluateAsync($"[...document.querySelectorAll('{failures} .card{Visible}')].map(c => c.dataset.true + '>' + c.dataset.pred)");
        Assert.Equal(["3>6", "3>6"], shown!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("3", await browser.EvaluateAsync<string>($"document.querySelector('{failures} select[data-filter=true]').value"));
        Assert.Equal("2 of 2 matching shown (8 in all)", await browser.EvaluateAsync<string>($"document.querySelector('{failures} .status').textContent"));
        Assert.Equal($"#{GallerySection.FailuresId}", await browser.EvaluateAsync<string>("location.hash"));
        await SaveScreenshot(browser, "report-filtered.png");

        await browser.ClickAsync($"{failures} .reset");
        Assert.Equal(8, await browser.EvaluateAsync<int>($"document.querySelectorAll('{failures} .card{Visible}').length"));

        // A thumbnail opens the viewer at full size: the 672×224 compare figure, not the 360×120 thumbnail.
        await browser.ClickAsync($"{failures} .card button.zoom");
        Assert.True(await browser.EvaluateAsync<bool>("document.getElementById('viewer').open"));
        Assert.Equal(672, await browser.EvaluateAsync<int>("(i => i.decode().then(() => i.naturalWidth))(document.querySelector('#viewer img'))"));
        await SaveScreenshot(browser, "report-viewer.png");

        Assert.Empty(browser.Errors);
        output.WriteLine($"done in {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    /// <summary>Saves a full-page screenshot in the test's temporary folder, or in $SHARPCAM_SCREENSHOTS to keep it.</summary>
    private async Task SaveScreenshot(HeadlessChromium browser, string name)
    {
        var keep = Environment.GetEnvironmentVariable("SHARPCAM_SCREENSHOTS");
        var dir = string.IsNullOrEmpty(keep) ? Path.GetDirectoryName(runs.ExplainReport.Path)! : Directory.CreateDirectory(keep).FullName;
        var png = await browser.ScreenshotAsync();
        var image = ImageFile.Decode(png, name);
        Assert.True(image.Width == 1280 && image.Height > 900, $"screenshot {image.Width}×{image.Height}");
        await File.WriteAllBytesAsync(Path.Combine(dir, name), png);
        output.WriteLine($"screenshot: {Path.Combine(dir, name)}");
    }

    [ChromiumFact]
    public async Task AThousandImageReportPagesAndFiltersQuickly()
    {
        var dir = runs.Copy(runs.FailuresDir, "thousand");
        var template = runs.Failures.Items;
        // 1000 mistakes, each with its own figure file (copies of the 8 real ones), so every thumbnail is really made.
        var items = Enumerable.Range(0, 1000).Select(i =>
        {
            var source = template[i % template.Count];
            var figure = $"figures/many/{i:D4}.png";
            Directory.CreateDirectory(Path.Combine(dir, "figures", "many"));
            File.Copy(Path.Combine(dir, source.Figures!.Compare!), Path.Combine(dir, figure));
            return source with { Id = $"test-{i:D4}", Confidence = 1 - i / 2000.0, Figures = source.Figures with { Compare = figure } };
        }).ToList();
        (runs.Failures with { Items = items }).Save(dir);

        var clock = Stopwatch.StartNew();
        var path = HtmlReport.Write(dir);
        var written = clock.Elapsed;
        output.WriteLine($"1000-image report: {new FileInfo(path).Length / 1e6:F1} MB written in {written.TotalMilliseconds:F0} ms");

        await using var browser = await HeadlessChromium.LaunchAsync();
        clock.Restart();
        await browser.NavigateAsync(new Uri(path).AbsoluteUri);
        output.WriteLine($"loaded in Chromium in {clock.ElapsedMilliseconds} ms");
        var failures = $"#{GallerySection.FailuresId}-gallery";
        var page = GallerySection.PageSize;
        Assert.Equal(page, await browser.EvaluateAsync<int>($"document.querySelectorAll('{failures} .card{Visible}').length"));
        await browser.ClickAsync($"{failures} .more");
        Assert.Equal(2 * page, await browser.EvaluateAsync<int>($"document.querySelectorAll('{failures} .card{Visible}').length"));
        Assert.Equal($"{2 * page} of 1000 shown", await browser.EvaluateAsync<string>($"document.querySelector('{failures} .status').textContent"));

        // Filter by predicted class 6 (Shirt): 4 of every 8 template items.
        await browser.EvaluateAsync($"(s => {{ s.value = '6'; s.dispatchEvent(new Event('change')); }})(document.querySelector('{failures} select[data-filter=pred]'))");
        Assert.Equal($"{page} of 500 matching shown (1000 in all)", await browser.EvaluateAsync<string>($"document.querySelector('{failures} .status').textContent"));
        Assert.Empty(browser.Errors);
        Assert.True(written < TimeSpan.FromSeconds(20), $"writing took {written}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"browsing took {clock.Elapsed}");
    }
}
