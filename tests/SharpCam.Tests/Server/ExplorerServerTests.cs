using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using SharpCam.Cam;
using SharpCam.IO;
using SharpCam.Server;
using SharpCam.Tests.Cli;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Server;

/// <summary>The server's API over real run folders: what it computes, and what it refuses (paths, uploads, origins, floods).</summary>
[Collection(CliRunner.Collection)]
public class ExplorerServerTests(TrainedTinyModel trained)
{
    [Fact]
    public async Task ReExplainingWithTheRunsSettingsGivesTheMapsTheRunSaved()
    {
        var runDir = ServeRuns.Explain(trained);
        await using var server = await ServeRuns.StartAsync(runDir);
        using var client = new ServerClient(server.Url);
        foreach (var item in ServeRuns.Manifest(runDir).Items.Take(4))
        {
            var result = await client.ExplainAsync(new { subject = item.Id });
            Assert.Equal(item.PredictedLabel, result["predicted"]!.GetValue<int>());
            Assert.Equal(item.TargetClass, result["target_class"]!.GetValue<int>());
            var served = Npy.Read(await client.Http.GetStreamAsync(result["urls"]!["npy"]!.GetValue<string>()), "served map");
            using var saved = Npy.Load(Path.Combine(runDir, item.Map!));
            // The run explained batches of 16, the server one image: libtorch may block the convolutions' sums (at most
            // 5·5·16 = 400 terms) differently, so each map value may differ by float32 rounding over such sums: 400 · 2^-24
            // relative to values ≤ 1 (the maps are normalised), about 2.4e-5.
            TensorAssert.Close(saved, served, 2.4e-5);
            served.Dispose();
        }
    }

    [Fact]
    public async Task OpensAFailuresRunWithItsRankingAndEvaluation()
    {
        var runDir = ServeRuns.Failures(trained);
        var manifest = ServeRuns.Manifest(runDir);
        await using var server = await ServeRuns.StartAsync(runDir);
        using var client = new ServerClient(server.Url);
        var run = JsonNode.Parse(await client.Http.GetStringAsync("/api/run"))!;
        Assert.Equal("failures", run["kind"]!.GetValue<string>());
        Assert.Equal(manifest.Evaluation!.TestAcc, run["accuracy"]!.GetValue<double>());
        Assert.Equal(CamMethods.All.Count, run["methods"]!.AsArray().Count);   // every registered method
        Assert.Contains(run["layers"]!.AsArray(), l => l!["name"]!.GetValue<string>() == "conv.4" && l["shape"]!.AsArray().Count == 4);
        var page = JsonNode.Parse(await client.Http.GetStringAsync("/api/items?limit=200"))!;
        var confidences = page["items"]!.AsArray().Select(i => i!["confidence"]!.GetValue<double>()).ToList();
        Assert.Equal(manifest.Items.Count, page["total"]!.GetValue<int>());
        Assert.Equal(confidences.OrderByDescending(c => c), confidences);   // the failures' ranking, most confident first
    }

    [Fact]
    public async Task NoPathReachesAFile()
    {
        var runDir = ServeRuns.Explain(trained);
        await using var server = await ServeRuns.StartAsync(runDir);
        using var client = new ServerClient(server.Url);
        var item = ServeRuns.Manifest(runDir).Items[0].Id;
        var secret = File.ReadAllText(Path.Combine(runDir, "manifest.json"))[..40];
        string[] attempts =
        [
            "/manifest.json", "/maps/" + item + ".npy", "/../manifest.json", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc%2fpasswd", "/app.js/../manifest.json", "//etc/passwd", "/api/subjects/..%2Fmanifest.json/picture.png",
            "/api/subjects/..%2F..%2F..%2F..%2Fetc%2Fpasswd/picture.png", "/api/subjects/%2Fetc%2Fpasswd/picture.png",
            "/api/subjects/..%252F..%252Fmanifest.json/picture.png", "/api/subjects/C:%5CWindows%5Cwin.ini/picture.png",
            $"/api/subjects/{item}%2F..%2F..%2Fmanifest.json/picture.png", "/api/results/..%2F..%2Fmanifest.json/map.npy",
            $"/api/subjects/{Uri.EscapeDataString(Path.Combine(runDir, "manifest.json"))}/picture.png",
        ];
        foreach (var path in attempts)
        {
            var (status, body) = await client.RawGetAsync(path);
            Assert.True(status is 404 or 400, $"{path} answered {status}");
            Assert.DoesNotContain(secret, body);
            Assert.DoesNotContain("root:", body);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/api/subjects/{item}/picture.png")).StatusCode);   // ids do work
    }

    [Fact]
    public async Task BadUploadsGetAClearMessageAndTheServerKeepsServing()
    {
        var runDir = ServeRuns.Explain(trained);
        await using var server = await ServeRuns.StartAsync(runDir, maxUploadBytes: 64 << 10);
        using var client = new ServerClient(server.Url);
        var png = File.ReadAllBytes(RepoPaths.Fixture("serve/gradient.png"));
        var bomb = (byte[])png.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bomb.AsSpan(16), 50000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bomb.AsSpan(20), 50000);
        var big = new byte[100 << 10];
        png.CopyTo(big, 0);
        (byte[] Bytes, int Status, string Says)[] cases =
        [
            ("not an image at all"u8.ToArray(), 415, "not a picture"),
            (png[..^12], 422, "truncated"),
            (bomb, 413, "megapixels"),
            (big, 413, "limit"),
            ([], 415, "empty"),
        ];
        foreach (var (bytes, status, says) in cases)
        {
            var (got, body) = await client.UploadAsync(bytes);
            Assert.True(got == status, $"{says}: answered {got} {body}");
            Assert.Contains(says, body!["error"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/api/run")).StatusCode);
        }
        var (ok, uploaded) = await client.UploadAsync(png, "gradient.png");
        Assert.Equal(200, ok);
        var result = await client.ExplainAsync(new { subject = uploaded!["subject"]!.GetValue<string>(), method = "gradcam++", target = "3" });
        Assert.Equal(3, result["target_class"]!.GetValue<int>());
        Assert.Equal("gradient.png", result["title"]!.GetValue<string>());
        // A phone photo stored sideways with EXIF orientation 6 decodes upright, its sides swapped against the header: accepted.
        var (turned, _) = await client.UploadAsync(File.ReadAllBytes(RepoPaths.Fixture("images/decoding/jpeg_exif6.jpg")), "phone.jpg");
        Assert.Equal(200, turned);
    }

    [Fact]
    public async Task RequestsFromAnotherOriginOrHostAreRefused()
    {
        var runDir = ServeRuns.Explain(trained);
        await using var server = await ServeRuns.StartAsync(runDir);
        using var client = new ServerClient(server.Url);
        var item = new { subject = ServeRuns.Manifest(runDir).Items[0].Id };
        Assert.Equal(403, (await client.PostJsonAsync("/api/explain", item, origin: "http://evil.example")).Status);
        Assert.Equal(403, (await client.PostJsonAsync("/api/explain", item, origin: "http://localhost:1")).Status);
        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/uploads") { Content = new ByteArrayContent([1, 2, 3]) })
        {
            crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.SendAsync(crossSite)).StatusCode);
        }
        using (var rebinding = new HttpRequestMessage(HttpMethod.Get, "/api/run"))
        {
            rebinding.Headers.Host = $"attacker.example:{server.Url.Port}";   // DNS rebinding: the right IP under another name
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await client.Http.SendAsync(rebinding)).StatusCode);
        }
        Assert.Equal(200, (await client.PostJsonAsync("/api/explain", item, origin: server.Url.GetLeftPart(UriPartial.Authority))).Status);
        var page = await client.Http.GetAsync("/");
        Assert.Equal(RequestGuard.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task AFloodIsAnswered429WhileTheQueueHoldsAndTheServerRecovers()
    {
        const int queue = 2, flood = 30;
        var runDir = ServeRuns.Explain(trained);
        await using var server = await ServeRuns.StartAsync(runDir, queueLength: queue);
        using var client = new ServerClient(server.Url);
        var items = ServeRuns.Manifest(runDir).Items;
        // Hold the model, as a long call would, so the flood meets a full queue deterministically.
        var release = new TaskCompletionSource();
        var holding = Task.Run(() => server.Explorer.Gate.RunAsync(() => release.Task.Wait(TimeSpan.FromSeconds(60)), CancellationToken.None));
        while (server.Explorer.Gate.Admitted == 0) await Task.Delay(5);
        var requests = Enumerable.Range(0, flood).Select(i => client.Http.PostAsync("/api/explain",
            System.Net.Http.Json.JsonContent.Create(new { subject = items[i % items.Count].Id, method = "scorecam" }))).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (requests.Count(r => r.IsCompleted) < flood - queue && DateTime.UtcNow < deadline) await Task.Delay(20);
        var refused = requests.Where(r => r.IsCompleted).Select(r => r.Result).ToList();
        Assert.Equal(flood - queue, refused.Count);
        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
            Assert.Contains("busy", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        }
        Assert.Equal(1 + queue, server.Explorer.Gate.Admitted);   // the held call and the queued ones, nothing more

        release.SetResult();
        await holding;
        var queued = await Task.WhenAll(requests.Where(r => !refused.Contains(r.Result)));
        Assert.All(queued, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, server.Explorer.Gate.Admitted);

        // Recovered: a second wave, one at a time, is served; kept results stay bounded.
        for (int i = 0; i < 3 * ServeOptionsDefaults.ResultsKept / 2; i++)
            await client.ExplainAsync(new { subject = items[i % items.Count].Id, method = "gradcam" });
        Assert.Equal(ServeOptionsDefaults.ResultsKept, server.Explorer.ResultsHeld);
    }

    [Fact]
    public async Task StopsCleanlyWhenCancelled()
    {
        var server = await ServeRuns.StartAsync(ServeRuns.Explain(trained));
        using var client = new ServerClient(server.Url);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/api/run")).StatusCode);
        using var ctrlC = new CancellationTokenSource();
        var serving = server.RunUntilAsync(ctrlC.Token);
        ctrlC.Cancel();
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
        await server.DisposeAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.Http.GetAsync("/api/run"));
    }

    private static class ServeOptionsDefaults
    {
        public static readonly int ResultsKept = new ServeOptions { RunDir = "" }.ResultsKept;
    }
}
