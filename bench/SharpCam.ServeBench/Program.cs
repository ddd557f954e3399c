using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SharpCam.Cam;
using SharpCam.Checkpoints;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Models;
using SharpCam.Server;
using static TorchSharp.torch;

// Latency of `sharpcam serve`, measured through its HTTP API on loopback as the page uses it:
//   1. re-explaining one LeNet digit (POST /api/explain, then GET the heatmap it names): target < 50 ms;
//   2. ResNet-50 on a photo, the same round trip against the method alone (Grad-CAM's Explain on the preprocessed
//      input in this process), timed alternately so machine load cancels out: target ≤ 1.5×;
//   3. paging a 10,000-item data-set view with filters and orders (GET /api/items): target < 200 ms.
// Weights are random (speed does not depend on them); the digits are the bundled MNIST test set, the photos samples/.
//   dotnet run -c Release --project bench/SharpCam.ServeBench -- [--rounds N]
int rounds = Array.IndexOf(args, "--rounds") is var r and >= 0 ? int.Parse(args[r + 1]) : 40;
var work = Directory.CreateTempSubdirectory("sharpcam-serve-bench-").FullName;
try
{
    Console.WriteLine($"SharpCam serve bench: {Environment.ProcessorCount} cores, torch threads {get_num_threads()}, {rounds} rounds, {DateTime.UtcNow:u}");
    Console.WriteLine();
    Console.WriteLine("| measurement | median ms | p90 ms | max ms | target |");
    Console.WriteLine("|---|---:|---:|---:|---|");
    await DigitsAsync(Path.Combine(work, "digits"), rounds);
    await PhotosAsync(Path.Combine(work, "photos"), Math.Max(6, rounds / 2));
}
finally
{
    Directory.Delete(work, recursive: true);
}

// LeNet over 10,000 items (the 1,000 bundled test digits, ten times): re-explain latency and paging latency.
static async Task DigitsAsync(string runDir, int rounds)
{
    Directory.CreateDirectory(runDir);
    manual_seed(0);
    using var lenet = new LeNet();
    lenet.eval();
    var checkpoint = Path.Combine(runDir, "lenet.dat");
    CheckpointStore.Save(lenet, checkpoint, new CheckpointMetadata());
    using var test = MnistDataset.Load(BundledData.MnistSample, MnistSplit.Test);
    float[][] probabilities;
    using (var scope = NewDisposeScope())
    using (no_grad())
        probabilities = Enumerable.Range(0, test.Count).Select(i => lenet.call(test.Images[i].unsqueeze(0)).softmax(1)[0].data<float>().ToArray()).ToArray();
    var labels = test.Labels.data<long>().ToArray();
    var items = Enumerable.Range(0, 10_000).Select(i =>
    {
        var p = probabilities[i % test.Count];
        var predicted = Array.IndexOf(p, p.Max());
        return new ManifestItem
        {
            Id = $"test-{i:D5}", Source = test.ImagesPath, Index = i % test.Count, TrueLabel = (int)labels[i % test.Count],
            PredictedLabel = predicted, Probabilities = p.Select(v => (double)v).ToList(), TargetClass = predicted,
        };
    }).ToList();
    Save(runDir, "lenet", checkpoint, 10, [28, 28], items, test.ClassNames);

    await using var server = await ExplorerServer.StartAsync(new ServeOptions { RunDir = runDir, Port = 0 });
    using var http = new HttpClient { BaseAddress = server.Url };
    var random = new Random(1);
    for (int i = 0; i < 5; i++) await ReExplainAsync(http, items[i].Id);   // warm up
    var roundTrips = new List<double>();
    var serverSide = new List<double>();
    for (int i = 0; i < rounds; i++)
    {
        var clock = Stopwatch.StartNew();
        var result = await ReExplainAsync(http, items[random.Next(items.Count)].Id, method: i % 2 == 0 ? "gradcam" : "hirescam", target: $"{i % 10}");
        roundTrips.Add(clock.Elapsed.TotalMilliseconds);
        serverSide.Add(result["server_ms"]!.GetValue<double>());
    }
    Row("LeNet digit: re-explain round trip (explain + heatmap PNG)", roundTrips, "< 50 ms");
    Row("LeNet digit: server time inside the model queue", serverSide, "< 50 ms");

    string[] queries = ["", "mistakes=1", "true=3", "pred=5&sort=confidence-desc", "min=0.2&max=0.6&sort=confidence-asc", "true=7&pred=1",
                        "sort=index&offset=9900", "mistakes=1&offset=5000", "sort=rank&limit=200"];
    foreach (var q in queries) await http.GetStringAsync("/api/items?" + q);
    var pages = new List<double>();
    for (int i = 0; i < rounds * 5; i++)
    {
        var clock = Stopwatch.StartNew();
        var page = JsonNode.Parse(await http.GetStringAsync("/api/items?" + queries[i % queries.Length]))!;
        pages.Add(clock.Elapsed.TotalMilliseconds);
        if (page["total"] is null) throw new InvalidOperationException("no page");
    }
    Row("10,000-item data-set view: one page (filters, orders, offsets)", pages, "< 200 ms");
}

// ResNet-50 on the sample photos: the server's round trip against Grad-CAM alone on the same preprocessed photo.
static async Task PhotosAsync(string runDir, int rounds)
{
    Directory.CreateDirectory(runDir);
    manual_seed(0);
    var spec = ModelZoo.Get("resnet50");
    var weights = Path.Combine(runDir, "resnet50.dat");
    using (var model = spec.Create(1000)) CheckpointStore.Save(model, weights, new CheckpointMetadata { Architecture = "resnet50", NumClasses = 1000 });
    var photos = Directory.GetFiles(FindSamples()).Where(ImageFile.HasImageExtension).Order().ToList();
    var items = photos.Select((p, i) => new ManifestItem { Id = $"{i:D4}-{Path.GetFileNameWithoutExtension(p)}", Source = p, PredictedLabel = 0 }).ToList();
    Save(runDir, "resnet50", weights, 1000, [224, 224], items, []);

    using var local = ZooModel.Load("resnet50", weights, 1000);
    local.Model.eval();
    var method = new GradCam(local.Model, [spec.DefaultLayer]);
    var preprocessing = spec.Preprocessing();
    using var inputs = stack(photos.Select(p => preprocessing.ToTensor(ImageFile.Read(p))).ToList());

    await using var server = await ExplorerServer.StartAsync(new ServeOptions { RunDir = runDir, Port = 0 });
    using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(5) };
    foreach (var item in items) await ReExplainAsync(http, item.Id, method: "gradcam");   // warm up, and read the photos once
    var (served, alone, ratios, inside) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
    for (int i = 0; i < rounds; i++)
    {
        var which = i % items.Count;
        // Alternate which goes first, so a load change on the shared machine falls on both sides alike.
        double m = 0;
        if (i % 2 == 1) m = MethodAlone(method, inputs[which], 100 + i);
        var clock = Stopwatch.StartNew();
        var result = await ReExplainAsync(http, items[which].Id, method: "gradcam", target: $"{100 + i}");
        var s = clock.Elapsed.TotalMilliseconds;
        inside.Add(result["server_ms"]!.GetValue<double>());
        if (i % 2 == 0) m = MethodAlone(method, inputs[which], 100 + i);
        (served, alone, ratios) = ([.. served, s], [.. alone, m], [.. ratios, s / m]);
    }
    Row("ResNet-50 photo: re-explain round trip (explain + heatmap PNG)", served, "");
    Row("ResNet-50 photo: server time inside the model queue", inside, "");
    Row("ResNet-50 photo: Grad-CAM alone on the preprocessed photo", alone, "");
    Console.WriteLine($"| ResNet-50 photo: round trip ÷ method alone (per round) | {Median(ratios):F2}× | {Percentile(ratios, 0.9):F2}× | {ratios.Max():F2}× | ≤ 1.5× |");
}

static double MethodAlone(CamMethod method, Tensor input, int target)
{
    var clock = Stopwatch.StartNew();
    using (var scope = NewDisposeScope()) method.Explain(input.unsqueeze(0), [new SharpCam.Targets.ClassLogitTarget(target)]).Dispose();
    return clock.Elapsed.TotalMilliseconds;
}

static async Task<JsonNode> ReExplainAsync(HttpClient http, string id, string method = "gradcam", string target = "pred")
{
    using var response = await http.PostAsJsonAsync("/api/explain", new { subject = id, method, target });
    var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"explain {id}: {result}");
    await http.GetByteArrayAsync(result["urls"]!["heatmap"]!.GetValue<string>());
    return result;
}

static void Save(string runDir, string architecture, string checkpoint, int classes, int[] inputSize, List<ManifestItem> items, IReadOnlyList<string> names) =>
    new RunManifest
    {
        Version = SharpCam.SharpCamInfo.Version, Created = DateTime.UtcNow, Kind = RunKind.Explain, Method = "gradcam",
        Model = new ManifestModel { Architecture = architecture, Checkpoint = checkpoint, NumClasses = classes, InputSize = inputSize },
        ClassNames = names, Items = items,
    }.Save(runDir);

static string FindSamples()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (Directory.Exists(Path.Combine(dir.FullName, "samples")) && File.Exists(Path.Combine(dir.FullName, "SharpCam.sln")))
            return Path.Combine(dir.FullName, "samples");
    throw new DirectoryNotFoundException("samples/ (the repository's photos) not found above " + AppContext.BaseDirectory);
}

static void Row(string what, List<double> ms, string target) =>
    Console.WriteLine($"| {what} | {Median(ms):F1} | {Percentile(ms, 0.9):F1} | {ms.Max():F1} | {target} |");

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double q)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];
}
