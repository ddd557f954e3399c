using System.Diagnostics;
using SharpCam.Bench;
using SharpCam.Cam;
using SharpCam.Models;
using SharpCam.Runs;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

// SharpCam's CAM benchmark: seconds per image per method, the ratio to a plain no-grad forward of the same model and
// batch in the same run, peak memory per section, Score-CAM against its floor, and memory flatness over many calls.
//   dotnet run -c Release --project bench/SharpCam.Bench -- [--quick] [--models vgg16,resnet50,ANY_ZOO_NAME] [--methods gradcam,…]
//                                                          [--repetitions N] [--no-flatness]
//   dotnet run -c Release --project bench/SharpCam.Bench -- --streaming PHOTO_DIR [--counts 500,2000,10000] [--models resnet18,resnet50] [--fast-decode]
//                                                          [--rounds 5] [--round-photos 200] (--counts "" or --rounds 0 skip a part)
// --streaming runs the data-set pipeline end to end on photos made by bench/make_photo_set.py (StreamingBench).
// --quick checks that everything runs (batch 1, one timed repetition, Score-CAM on 32 channels, Ablation-CAM with
// 128 copies per forward, 200 calls for flatness); the full run takes tens of minutes on 2 cores.
bool quick = args.Contains("--quick");
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
HashSet<string>? ListOption(string name) => Option(name)?.Split(',').ToHashSet(StringComparer.OrdinalIgnoreCase);
var onlyModels = ListOption("--models");
if (Option("--streaming") is { } photoDir)
{
    StreamingBench.Run(photoDir, (Option("--counts") ?? "500,2000,10000").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList(),
        onlyModels?.ToList() ?? ["resnet18", "resnet50"], args.Contains("--fast-decode") ? PhotoDecoding.Reduced : PhotoDecoding.Full,
        Option("--rounds") is { } rounds ? int.Parse(rounds) : 5, Option("--round-photos") is { } roundPhotos ? int.Parse(roundPhotos) : 200);
    return 0;
}
var onlyMethods = ListOption("--methods");
int repetitions = Option("--repetitions") is { } r ? int.Parse(r) : quick ? 2 : 5;
var batches = quick ? new[] { 1 } : new[] { 1, 8 };
var models = new List<(string Name, Func<Module<Tensor, Tensor>> Create, string Layer, int Size)>
{
    ("vgg16", () => torchvision.models.vgg16(), "features.29", 224),
    ("resnet18", () => torchvision.models.resnet18(), "layer4", 224),
    ("resnet50", () => torchvision.models.resnet50(), "layer4", 224),
};
// Any other zoo name given to --models: its architecture at its default layer and trained input size.
foreach (var spec in (onlyModels ?? []).Where(n => models.All(m => m.Name != n)).Select(ModelZoo.Get))
    models.Add((spec.Name, () => spec.Create(), spec.DefaultLayer, spec.InputSize));
// Methods that run one forward per channel are measured at batch 1 only.
var perChannel = new HashSet<string> { "scorecam", "ablationcam" };
const int ScoreCamBatch = 32;

Console.WriteLine($"SharpCam bench ({(quick ? "quick" : "full")}): {Environment.ProcessorCount} cores, torch threads {get_num_threads()}, {DateTime.UtcNow:u}");
Console.WriteLine();
Console.WriteLine("| model | batch | method | s / image | × forward | peak RSS MiB |");
Console.WriteLine("|---|---:|---|---:|---:|---:|");
var scoreCamRows = new List<string>();
foreach (var (name, create, layer, size) in models.Where(m => onlyModels?.Contains(m.Name) ?? true))
{
    manual_seed(0);
    using var model = create();
    model.eval();
    foreach (var batch in batches)
    {
        using var scope = NewDisposeScope();
        var input = randn(batch, 3, size, size, generator: new Generator(1));
        Action forward = () => { using var s = NewDisposeScope(); using var g = no_grad(); model.call(input); };
        MemoryProbe.ResetPeak();
        var forwardSeconds = Median(Samples(forward, repetitions));
        Console.WriteLine($"| {name} | {batch} | forward (no_grad) | {forwardSeconds / batch:F4} | 1.00 | {Mib(MemoryProbe.PeakResidentBytes)} |");
        foreach (var info in CamMethods.All.Where(m => onlyMethods?.Contains(m.Name) ?? true))
        {
            if (perChannel.Contains(info.Name) && batch != 1) continue;
            // --quick: Score-CAM on 32 channels only, Ablation-CAM with 128 ablated copies per forward (fewer passes).
            var options = new CamOptions
            {
                BatchSize = quick && info.Name == "ablationcam" ? 4 * ScoreCamBatch : ScoreCamBatch,
                TopChannels = quick && info.Name == "scorecam" ? ScoreCamBatch : null,
            };
            var method = CamMethods.Create(info.Name, model, new[] { layer }, options);
            MemoryProbe.Settle();
            MemoryProbe.ResetPeak();
            var cheap = !perChannel.Contains(info.Name);
            var (seconds, ratio) = Paired(() => method.Explain(input).Dispose(), forward, cheap ? repetitions : 1, warmUp: cheap);
            var label = !quick ? info.Name : info.Name switch
            {
                "scorecam" => $"scorecam (top {options.TopChannels})",
                "ablationcam" => $"ablationcam (batch {options.BatchSize})",
                _ => info.Name,
            };
            Console.WriteLine($"| {name} | {batch} | {label} | {seconds / batch:F4} | {ratio:F2} | {Mib(MemoryProbe.PeakResidentBytes)} |");
            if (info.Name == "scorecam") scoreCamRows.Add(ScoreCamFloor(name, model, layer, input, seconds, options));
        }
    }
}

Console.WriteLine();
Console.WriteLine("Score-CAM against its floor (one no-grad forward per scored channel, in batches of the same size):");
Console.WriteLine();
Console.WriteLine("| model | channels scored | Score-CAM s | floor s | ratio |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var row in scoreCamRows) Console.WriteLine(row);

Console.WriteLine();
if (!args.Contains("--no-flatness")) Flatness(quick ? 200 : 2000);
return 0;

// Wall times of `repetitions` runs after one warm-up run.
static List<double> Samples(Action run, int repetitions)
{
    run();
    var times = new List<double>();
    for (int i = 0; i < repetitions; i++)
    {
        var watch = Stopwatch.StartNew();
        run();
        times.Add(watch.Elapsed.TotalSeconds);
    }
    return times;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

// The machine is shared, so the method and the plain forward alternate: the median time of the method, and the
// median of its per-round ratios to the forward run right before it. Methods that take one forward per channel are
// long enough to need no warm-up run.
static (double Seconds, double Ratio) Paired(Action method, Action forward, int repetitions, bool warmUp)
{
    forward();
    if (warmUp) method();
    var times = new List<double>();
    var ratios = new List<double>();
    for (int i = 0; i < repetitions; i++)
    {
        var watch = Stopwatch.StartNew();
        forward();
        var forwardSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        method();
        times.Add(watch.Elapsed.TotalSeconds);
        ratios.Add(times[^1] / forwardSeconds);
    }
    return (Median(times), Median(ratios));
}

static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F0");

// The floor: the channel count's worth of masked images pushed through the model in batches of the same size.
static string ScoreCamFloor(string name, Module<Tensor, Tensor> model, string layer, Tensor input, double scoreCamSeconds, CamOptions options)
{
    using var scope = NewDisposeScope();
    long channels;
    using (no_grad()) channels = new LayerShape(model, layer).Channels(input[..1]);
    var scored = Math.Min(channels, options.TopChannels ?? channels);
    var batch = input[..1].expand(options.BatchSize, -1, -1, -1).contiguous();
    var perBatch = Median(Samples(() => { using var s = NewDisposeScope(); using var g = inference_mode(); model.call(batch); }, 1));
    var floor = perBatch * Math.Ceiling(scored / (double)options.BatchSize);
    return $"| {name} | {scored} | {scoreCamSeconds:F2} | {floor:F2} | {scoreCamSeconds / floor:F2} |";
}

// Many consecutive Grad-CAM explanations at batch 1 on LeNet: resident and private memory after a warm-up and at the end.
static void Flatness(int calls)
{
    using var model = new LeNet();
    model.eval();
    var cam = new GradCam(model, new[] { LeNet.DefaultTargetLayer });
    using var input = randn(1, 1, 28, 28, generator: new Generator(2));
    int warmUp = calls / 10;
    for (int i = 0; i < warmUp; i++) cam.Explain(input).Dispose();
    MemoryProbe.Settle();
    long rss0 = MemoryProbe.ResidentBytes, private0 = MemoryProbe.PrivateBytes;
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < calls; i++) cam.Explain(input).Dispose();
    var seconds = watch.Elapsed.TotalSeconds;
    MemoryProbe.Settle();
    long rss1 = MemoryProbe.ResidentBytes, private1 = MemoryProbe.PrivateBytes;
    Console.WriteLine($"Memory flatness: {calls} Grad-CAM calls at batch 1 on LeNet after {warmUp} warm-up calls, {seconds / calls * 1000:F2} ms each");
    Console.WriteLine($"  resident {Mib(rss0)} → {Mib(rss1)} MiB ({Growth(rss0, rss1)}), private {Mib(private0)} → {Mib(private1)} MiB ({Growth(private0, private1)})");
}

static string Growth(long before, long after) => $"{100.0 * (after - before) / before:+0.0;-0.0}%";
