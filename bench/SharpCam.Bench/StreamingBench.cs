using System.Diagnostics;
using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Models;
using SharpCam.Rendering;
using SharpCam.Runs;
using static TorchSharp.torch;

namespace SharpCam.Bench;

/// <summary>
/// The data-set run end to end (Runs/DataSetRun: read-ahead, model, maps, journal) on a folder of JPEG photos made by
/// bench/make_photo_set.py, with random-weight torchvision models, batch 8, Grad-CAM, no figures. Per model:
/// <list type="bullet">
/// <item>the end-to-end cost against the method alone, as a median of per-round ratios: each round times Grad-CAM on
/// the first batch of photos, runs the pipeline on the first photos, and times the method again, so the load of a
/// shared machine, which drifts over minutes, falls on both sides of each ratio;</item>
/// <item>peak RSS and seconds per photo for the first N photos of each count (run each count in its own process for
/// peaks that do not carry over);</item>
/// <item>the figure stage's cost per item on a few photos with figures on.</item>
/// </list>
/// </summary>
internal static class StreamingBench
{
    private const int Batch = 8;

    public static void Run(string photos, IReadOnlyList<int> counts, IReadOnlyList<string> models, PhotoDecoding decoding, int rounds, int roundPhotos)
    {
        var all = ImageInputs.Expand([photos]);
        var names = ClassNames.For(1000, null);
        Console.WriteLine($"Streaming runs: {all.Count} photos in {photos}; batch {Batch}, Grad-CAM, --figures none, {decoding} decoding; " +
                          $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}, {DateTime.UtcNow:u}");
        foreach (var name in models)
        {
            var spec = ModelZoo.Get(name);
            manual_seed(0);
            using var model = spec.Create(1000);
            model.eval();
            var method = new GradCam(model, [spec.DefaultLayer]);
            var preprocessing = spec.Preprocessing();
            using var photoBatch = preprocessing.ToBatch(all.Take(Batch).Select(p => ImageFile.Read(p.Path)));
            var context = new Context(method, names, preprocessing, decoding, name);
            Console.WriteLine();
            Console.WriteLine($"### {name}");
            if (rounds > 0)
            {
                Ratio(context, all.Take(roundPhotos).ToList(), photoBatch, rounds);
                ReadingCost(context, all.Take(roundPhotos).ToList());
            }
            Console.WriteLine();
            Console.WriteLine("| photos | wall s | s / photo | model s / photo | peak RSS MiB |");
            Console.WriteLine("|---:|---:|---:|---:|---:|");
            foreach (var count in counts.Where(c => c <= all.Count))
            {
                MemoryProbe.Settle();
                MemoryProbe.ResetPeak();
                var (wall, result) = TimedRun(context, all.Take(count).ToList(), FigureMode.None);
                Console.WriteLine($"| {count} | {wall:F1} | {wall / count:F4} | {result.ModelSeconds / count:F4} | {MemoryProbe.PeakResidentBytes / (1024.0 * 1024.0):F0} |");
            }
            var few = all.Take(4 * Batch).ToList();
            var (figureWall, figures) = TimedRun(context, few, FigureMode.All);
            Console.WriteLine($"| {few.Count}, --figures all | {figureWall:F1} | {figureWall / few.Count:F4} | {figures.ModelSeconds / few.Count:F4} | " +
                              $"figure stage {figures.FigureSeconds / few.Count:F4} s / item ({figures.FiguresDrawn} figures, on its own thread) |");
        }
    }

    private sealed record Context(CamMethod Method, ClassNames Names, ImagePreprocessing Preprocessing, PhotoDecoding Decoding, string Model);

    private static void Ratio(Context context, List<ImageInput> photos, Tensor photoBatch, int rounds)
    {
        var ratios = new List<double>();
        double perPhoto = 0, methodOnly = 0;
        for (int round = 0; round < rounds; round++)
        {
            var before = MethodSeconds(context.Method, photoBatch) / Batch;
            var (wall, _) = TimedRun(context, photos, FigureMode.None);
            var method = (before + MethodSeconds(context.Method, photoBatch) / Batch) / 2;
            ratios.Add(wall / photos.Count / method);
            (perPhoto, methodOnly) = (perPhoto + wall / photos.Count / rounds, methodOnly + method / rounds);
        }
        Console.WriteLine($"End to end ÷ method alone, {rounds} rounds of {photos.Count} photos: median **{ratios.Order().ElementAt(rounds / 2):F3}** " +
                          $"(rounds: {string.Join(", ", ratios.Select(r => r.ToString("F3")))}); mean {perPhoto:F4} s / photo end to end, " +
                          $"{methodOnly:F4} s / image for the method alone.");
    }

    /// <summary>What the background stage does per photo (read, decode, preprocess), alone on this thread: wall and CPU seconds.</summary>
    private static void ReadingCost(Context context, List<ImageInput> photos)
    {
        var source = RunSource.FromImages(photos, context.Preprocessing, context.Names, ImageLimits.DefaultMaxPixels, decoding: context.Decoding);
        var items = source.Items().ToBlockingEnumerable().ToList();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        foreach (var item in items) item.Load(false).ModelInput.Dispose();
        var wall = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var (decode, preprocess) = (new Stopwatch(), new Stopwatch());
        var options = context.Decoding.ReadOptions(context.Preprocessing);
        foreach (var photo in photos)
        {
            decode.Start();
            var picture = ImageFile.Read(photo.Path, options);
            decode.Stop();
            preprocess.Start();
            context.Preprocessing.ToTensor(picture).Dispose();
            preprocess.Stop();
        }
        Console.WriteLine($"Reading alone: {wall / photos.Count:F4} s / photo wall, {cpuSeconds / photos.Count:F4} CPU s / photo " +
                          $"(decode {decode.Elapsed.TotalSeconds / photos.Count:F4} s, preprocess {preprocess.Elapsed.TotalSeconds / photos.Count:F4} s).");
    }

    private static (double Wall, RunResult Result) TimedRun(Context context, List<ImageInput> photos, FigureMode figures)
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"sharpcam-stream-bench-{context.Model}-{photos.Count}-{figures}");
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        var run = new DataSetRun(context.Method, context.Names,
            new RunOptions { BatchSize = Batch, Figures = figures, TopK = 5, Style = OverlayStyle.ColourPhoto });
        var clock = Stopwatch.StartNew();
        var result = run.Run(RunSource.FromImages(photos, context.Preprocessing, context.Names, ImageLimits.DefaultMaxPixels, decoding: context.Decoding),
                             outDir, new ManifestModel { Architecture = context.Model });
        var wall = clock.Elapsed.TotalSeconds;
        Directory.Delete(outDir, recursive: true);
        return (wall, result);
    }

    /// <summary>Median of 5 timed Grad-CAM calls on a batch, after a warm-up call.</summary>
    private static double MethodSeconds(CamMethod method, Tensor input)
    {
        method.Explain(input).Dispose();
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            method.Explain(input).Dispose();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return times.Order().ElementAt(2);
    }
}
