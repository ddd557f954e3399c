using System.Text.Json;
using SharpCam.IO;
using SharpCam.Tests.Cli;
using SharpCam.Tests.Reports;
using SharpCam.Tests.Support;
using Xunit.Abstractions;

namespace SharpCam.Tests.Server;

/// <summary>A fact that needs Debian's Chromium; skipped (not failed) where it is absent.</summary>
public sealed class ChromiumOnlyFactAttribute : FactAttribute
{
    public ChromiumOnlyFactAttribute()
    {
        Skip = HeadlessChromium.Unavailable;
    }
}

/// <summary>The explorer page in real headless Chromium against a real server: every step a user takes, with no console errors.</summary>
[Collection(CliRunner.Collection)]
public class ExplorerServerBrowserTests(TrainedTinyModel trained, ITestOutputHelper output)
{
    private const string PanelA = "#panels .panel[data-slot=a]", PanelB = "#panels .panel[data-slot=b]";

    [ChromiumOnlyFact]
    public async Task FilterOpenReExplainCompareUploadAndDownloadInChromium()
    {
        var runDir = ServeRuns.Explain(trained);
        var items = ServeRuns.Manifest(runDir).Items;
        await using var server = await ServeRuns.StartAsync(runDir);
        await using var browser = await HeadlessChromium.LaunchAsync(1400, 1000);
        using var downloads = new TempFolder();
        await browser.SendAsync("Browser.setDownloadBehavior", new { behavior = "allow", downloadPath = downloads.Path });
        await browser.NavigateAsync(server.Url.AbsoluteUri);
        await WaitFor(browser, "document.body.dataset.ready === '1' && !document.querySelector('#items').dataset.loading");
        Assert.Equal(50, await browser.EvaluateAsync<int>("document.querySelectorAll('#items button.item').length"));
        Assert.Equal($"1–50 of {items.Count} matching ({items.Count} in all)", await Text(browser, "#items-status"));

        // Mistakes only: the server filters all 100 items, the page shows its first page.
        var mistakes = items.Where(i => i.TrueLabel != i.PredictedLabel).ToList();
        await browser.ClickAsync("#filters input[name=mistakes]");
        await WaitFor(browser, $"document.querySelector('#items-status').textContent.startsWith('1–{mistakes.Count} of {mistakes.Count} matching')");
        Assert.Equal(mistakes.Count, await browser.EvaluateAsync<int>("document.querySelectorAll('#items button.item.mistake').length"));
        await browser.ClickAsync("#filters .reset");
        await WaitFor(browser, $"document.querySelector('#items-status').textContent.startsWith('1–50 of {items.Count}')");

        // The largest off-diagonal confusion cell lists exactly its items.
        var cell = mistakes.GroupBy(i => (i.TrueLabel!.Value, i.PredictedLabel)).OrderByDescending(g => g.Count()).First();
        await browser.ClickAsync($"#confusion button.cell[data-true='{cell.Key.Item1}'][data-pred='{cell.Key.Item2}']");
        await WaitFor(browser, $"document.querySelector('#items-status').textContent.startsWith('1–{cell.Count()} of {cell.Count()} matching')");
        var listed = await browser.EvaluateAsync("[...document.querySelectorAll('#items button.item')].map(b => b.dataset.id)");
        Assert.Equal(cell.Select(i => i.Id).Order(), listed!.AsArray().Select(n => n!.GetValue<string>()).Order());
        await Screenshot(browser, "serve-filtered.png");

        // Open the first listed item: the map explains its predicted class.
        await browser.ClickAsync("#items button.item");
        await WaitFor(browser, $"document.querySelector('{PanelA}')?.dataset.state === 'ready'");
        var first = await Dataset(browser, PanelA);
        Assert.Equal(cell.Key.Item2.ToString(), first["target"]);
        Assert.Equal("gradcam", first["method"]);

        // Another method: a new map arrives.
        await SetValue(browser, $"{PanelA} select.method", "hirescam");
        await WaitFor(browser, $"(d => d.state === 'ready' && d.method === 'hirescam' && d.result !== '{first["result"]}')(document.querySelector('{PanelA}').dataset)");
        // Another target class, by clicking one of the top k, then by typing a class name.
        var clicked = await browser.EvaluateAsync<string>($"document.querySelector('{PanelA} .topk button:not(.target)').dataset.class");
        await browser.ClickAsync($"{PanelA} .topk button:not(.target)");
        await WaitFor(browser, $"(d => d.state === 'ready' && d.target === '{clicked}')(document.querySelector('{PanelA}').dataset)");
        var trueClass = cell.Key.Item1.ToString();
        await SetValue(browser, $"{PanelA} input.target", trueClass);
        await WaitFor(browser, $"(d => d.state === 'ready' && d.target === '{trueClass}')(document.querySelector('{PanelA}').dataset)");
        Assert.True(await browser.EvaluateAsync<bool>($"document.querySelector('{PanelA} img.heatmap').naturalWidth === 28"));

        // Side by side: the twin starts with the same settings, then explains with another method.
        await browser.ClickAsync($"{PanelA} button.compare");
        await WaitFor(browser, $"document.querySelector('{PanelB}')?.dataset.state === 'ready'");
        await SetValue(browser, $"{PanelB} select.method", "scorecam");
        await WaitFor(browser, $"(d => d.state === 'ready' && d.method === 'scorecam')(document.querySelector('{PanelB}').dataset)");
        Assert.Equal(trueClass, (await Dataset(browser, PanelB))["target"]);

        // Faithfulness on demand.
        await browser.ClickAsync($"{PanelA} button.metrics");
        await WaitFor(browser, $"document.querySelector('{PanelA}').dataset.metrics === document.querySelector('{PanelA}').dataset.result");
        Assert.Equal(5, await browser.EvaluateAsync<int>($"document.querySelectorAll('{PanelA} .metrics-table tbody tr').length"));
        await Screenshot(browser, "serve-compare.png");

        // Download the map: the saved .npy is the map the server made, at feature resolution.
        await browser.ClickAsync($"{PanelA} a.npy");
        var saved = await WaitForFile(downloads.Path, "*.npy");
        using (var map = Npy.Load(saved)) Assert.Equal([8L, 8L], map.shape);
        Assert.Contains($"_hirescam_class{trueClass}_map", Path.GetFileName(saved));

        // Your own image, dropped from the desktop: explained in panel A, comparable with the item still in panel B.
        var photo = Path.Combine(RepoPaths.Root, "samples", "chelsea.png");
        await Drop(browser, "#drop", photo);
        await WaitFor(browser, "document.querySelector('#drop').dataset.state === 'done'");
        var upload = await browser.EvaluateAsync<string>("document.querySelector('#drop').dataset.subject");
        await WaitFor(browser, $"(d => d.state === 'ready' && d.result)(document.querySelector('{PanelA}').dataset)");
        Assert.Equal("chelsea.png", await Text(browser, $"{PanelA} .subject"));
        Assert.StartsWith("upload-", upload);
        Assert.Equal("scorecam", (await Dataset(browser, PanelB))["method"]);
        await Screenshot(browser, "serve-upload.png");

        Assert.Empty(browser.Errors);
    }

    [ChromiumOnlyFact]
    public async Task ABadUploadIsExplainedInThePageAndTheServerKeepsServing()
    {
        var runDir = ServeRuns.Explain(trained);
        await using var server = await ServeRuns.StartAsync(runDir);
        await using var browser = await HeadlessChromium.LaunchAsync();
        using var files = new TempFolder();
        await browser.NavigateAsync(server.Url.AbsoluteUri);
        await WaitFor(browser, "document.body.dataset.ready === '1'");
        var notAnImage = files.File("notes.png");
        await File.WriteAllTextAsync(notAnImage, "these are notes, not a picture");
        await ChooseFile(browser, "#file", notAnImage);   // the "choose a file" way in, this time
        await WaitFor(browser, "document.querySelector('#drop').dataset.state === 'error'");
        Assert.Contains("not a picture the server reads", await Text(browser, "#message"));
        // The failed request is the only error the browser saw (Chromium logs the 415 response itself).
        Assert.All(browser.Errors, e => Assert.Contains("415", e));

        await browser.ClickAsync("#items button.item");
        await WaitFor(browser, $"document.querySelector('{PanelA}')?.dataset.state === 'ready'");
        Assert.True(await browser.EvaluateAsync<bool>("document.querySelector('#message').hidden"));
    }

    [ChromiumOnlyFact]
    public async Task WhenTheModelIsBusyThePageSaysSoAndRetries()
    {
        await using var server = await ServeRuns.StartAsync(ServeRuns.Explain(trained), queueLength: 0);
        await using var browser = await HeadlessChromium.LaunchAsync();
        await browser.NavigateAsync(server.Url.AbsoluteUri);
        await WaitFor(browser, "document.body.dataset.ready === '1'");
        // Hold the model, as another user's long call would: with no queue, the page's request is answered 429.
        var release = new TaskCompletionSource();
        var holding = Task.Run(() => server.Explorer.Gate.RunAsync(() => release.Task.Wait(TimeSpan.FromSeconds(60)), CancellationToken.None));
        while (server.Explorer.Gate.Admitted == 0) await Task.Delay(5);
        await browser.ClickAsync("#items button.item");
        await WaitFor(browser, $"document.querySelector('{PanelA} .state')?.textContent.startsWith('the model is busy; retrying')");
        release.SetResult();
        await holding;
        await WaitFor(browser, $"document.querySelector('{PanelA}').dataset.state === 'ready'");
        Assert.NotEmpty(browser.Errors);
        Assert.All(browser.Errors, e => Assert.Contains("429", e));   // Chromium logs each refused request; nothing else went wrong
    }

    /// <summary>Drops a file on an element as a user dragging it from the desktop would (DevTools Input.dispatchDragEvent).</summary>
    private static async Task Drop(HeadlessChromium browser, string selector, string file)
    {
        var box = (await browser.EvaluateAsync($"(e => {{ e.scrollIntoView({{ block: 'center' }}); const r = e.getBoundingClientRect(); return {{ x: r.left + r.width / 2, y: r.top + r.height / 2 }}; }})(document.querySelector('{selector}'))"))!;
        double x = box["x"]!.GetValue<double>(), y = box["y"]!.GetValue<double>();
        var data = new { items = Array.Empty<object>(), files = new[] { file }, dragOperationsMask = 1 };
        foreach (var type in new[] { "dragEnter", "dragOver", "drop" })
            await browser.SendAsync("Input.dispatchDragEvent", new { type, x, y, data });
    }

    /// <summary>Picks a file in a file input, as the browser's file chooser would (DevTools DOM.setFileInputFiles).</summary>
    private static async Task ChooseFile(HeadlessChromium browser, string selector, string file)
    {
        var input = await browser.SendAsync("Runtime.evaluate", new { expression = $"document.querySelector('{selector}')" });
        await browser.SendAsync("DOM.setFileInputFiles", new { files = new[] { file }, objectId = input["result"]!["objectId"]!.GetValue<string>() });
    }

    private static async Task SetValue(HeadlessChromium browser, string selector, string value) =>
        await browser.EvaluateAsync($"(e => {{ e.value = {JsonSerializer.Serialize(value)}; e.dispatchEvent(new Event('change', {{ bubbles: true }})); }})(document.querySelector('{selector}'))");

    private static Task<string> Text(HeadlessChromium browser, string selector) =>
        browser.EvaluateAsync<string>($"document.querySelector('{selector}').textContent");

    private static async Task<Dictionary<string, string>> Dataset(HeadlessChromium browser, string selector) =>
        (await browser.EvaluateAsync($"Object.assign({{}}, document.querySelector('{selector}').dataset)"))!.AsObject()
            .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());

    /// <summary>Waits (up to 20 s) until a script condition holds in the page; fails with the condition and the page's message.</summary>
    private static async Task WaitFor(HeadlessChromium browser, string condition)
    {
        var ok = await browser.EvaluateAsync<bool>($$"""
            new Promise(resolve => { const start = Date.now();
              const tick = () => { let v = false; try { v = !!({{condition}}); } catch (e) {}
                if (v) resolve(true); else if (Date.now() - start > 15000) resolve(false); else setTimeout(tick, 25); };
              tick(); })
            """);
        Assert.True(ok, $"timed out waiting for: {condition}; page message: {await Text(browser, "#message")}; errors: {string.Join(" | ", browser.Errors)}");
    }

    private static async Task<string> WaitForFile(string folder, string pattern)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(50))
            if (Directory.GetFiles(folder, pattern).FirstOrDefault() is { } found) return found;
        throw new TimeoutException($"no {pattern} was downloaded into {folder}");
    }

    /// <summary>Saves a screenshot in $SHARPCAM_SCREENSHOTS (to keep it) or the test output folder.</summary>
    private async Task Screenshot(HeadlessChromium browser, string name)
    {
        var keep = Environment.GetEnvironmentVariable("SHARPCAM_SCREENSHOTS");
        var dir = string.IsNullOrEmpty(keep) ? Path.GetTempPath() : Directory.CreateDirectory(keep).FullName;
        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 10_000, $"screenshot {name} is only {png.Length} bytes");
        await File.WriteAllBytesAsync(Path.Combine(dir, name), png);
        output.WriteLine($"screenshot: {Path.Combine(dir, name)}");
    }
}
