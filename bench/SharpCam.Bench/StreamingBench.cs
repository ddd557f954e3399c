using System.Diagnostics;
using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Models;
using SharpCam.Runs;
using static TorchSharp.torch;

namespace SharpCam.Bench;

/// <summary>
/// The data-set run end to end (Runs/DataSetRun: read-ahead, model, maps, journal) on a folder of JPEG photos made by
/// bench/make_photo_set.py, with random-weight torchvision models, batch 8, no figures: peak RSS and seconds per photo
/// for the first N photos, beside the method alone on a batch of 8 in the same process; then the figure stage's cost
/// per item on a few photos with figures on.
/// </summary>
internal static class StreamingBench
{
    public static void Run(string photos, IReadOnlyList<int> counts, IReadOnlyList<string> models)
    {
        const int Batch = 8;
        var all = ImageInputs.Expand([photos]);
        var names = ClassNames.For(1000, null);
        Console.WriteLine($"Streaming runs ({all.Count} photos in {photos}; batch {Batch}, Grad-CAM, --figures none):");
        Console.WriteLine();
        Console.WriteLine("| model | photos | wall s | s / photo | model s / photo | method-only s / image | end-to-end ÷ method | peak RSS MiB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var name in models)
        {
            var spec = ModelZoo.Get(name);
            manual_seed(0);
            using var model = spec.Create(1000);
            model.eval();
            var method = new GradCam(model, [spec.DefaultLayer]);
            var preprocessing = spec.Preprocessing();
            var methodOnly = MethodSeconds(method, Batch) / Batch;
            foreach (var count in counts.Where(c => c <= all.Count))
            {
                var outDir = Path.Combine(Path.GetTempPath(), $"sharpcam-stream-bench-{name}-{count}");
                if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
                MemoryProbe.Settle();
                MemoryProbe.ResetPeak();
                var run = new DataSetRun(method, names, new RunOptions { BatchSize = Batch, Figures = FigureMode.None, TopK = 5 });
                var clock = Stopwatch.StartNew();
                var result = run.Run(RunSource.FromImages(all.Take(count).ToList(), preprocessing, names, ImageLimits.DefaultMaxPixels), outDir,
                    new ManifestModel { Architecture = name });
                var wall = clock.Elapsed.TotalSeconds;
                var perPhoto = wall / count;
                Console.WriteLine($"| {name} | {count} | {wall:F1} | {perPhoto:F4} | {result.ModelSeconds / count:F4} | {methodOnly:F4} | " +
                                  $"{perPhoto / methodOnly:F2} | {MemoryProbe.PeakResidentBytes / (1024.0 * 1024.0):F0} |");
                Directory.Delete(outDir, recursive: true);
            }
            FigureCost(method, names, preprocessing, all.Take(4 * Batch).ToList(), name);
        }
    }

    /// <summary>Median of 5 timed Grad-CAM calls on a random batch, after a warm-up call.</summary>
    private static double MethodSeconds(CamMethod method, int batch)
    {
        using var scope = NewDisposeScope();
        var input = randn(batch, 3, 224, 224, generator: new Generator(1));
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

    private static void FigureCost(CamMethod method, ClassNames names, ImagePreprocessing preprocessing, List<ImageInput> photos, string model)
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"sharpcam-stream-bench-figures-{model}");
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        var run = new DataSetRun(method, names, new RunOptions { BatchSize = 8, Figures = FigureMode.All, TopK = 5, Style = Rendering.OverlayStyle.ColourPhoto });
        var clock = Stopwatch.StartNew();
        var result = run.Run(RunSource.FromImages(photos, preprocessing, names, ImageLimits.DefaultMaxPixels), outDir, new ManifestModel { Architecture = model });
        var wall = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"| {model} | {photos.Count} (--figures all) | {wall:F1} | {wall / photos.Count:F4} | {result.ModelSeconds / photos.Count:F4} | " +
                          $"figure stage {result.FigureSeconds / photos.Count:F4} s / item ({result.FiguresDrawn} figures, on its own thread) | | |");
        Directory.Delete(outDir, recursive: true);
    }
}
