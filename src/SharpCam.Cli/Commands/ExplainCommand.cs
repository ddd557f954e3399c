using SharpCam.Rendering;
using System.ComponentModel;
using SharpCam.Cam;
using SharpCam.Cli.Console;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Targets;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace SharpCam.Cli.Commands;

/// <summary>
/// `sharpcam explain`: CAM maps, figures and a manifest — for test digits with a LeNet checkpoint (the notebook's
/// first half), or for photos with a torchvision classifier (its second half).
/// </summary>
public sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public class Settings : ModelSettings
    {
        [CommandOption("--indices <LIST>")]
        [Description("Images to explain, by position: indices and ranges, e.g. 0-15 or 3,7,10-12 (default: test digits 0-15; all photos).")]
        public string? Indices { get; init; }

        [CommandOption("--class <WHICH>")] [Description("What each map explains: pred (predicted class, default), true (true label), or a class index or name.")]
        [DefaultValue("pred")]
        public string Class { get; init; } = "pred";


        [CommandOption("--batch-size <N>")] [Description("Images per forward pass (default 16).")] [DefaultValue(16)]
        public int BatchSize { get; init; } = 16;

        [CommandOption("--metrics")]
        [Description("Also measure faithfulness: drop/increase in confidence, ROAD, deletion/insertion areas.")]
        public bool Metrics { get; init; }

        [CommandOption("--sanity")]
        [Description("Also run the model-randomisation sanity check (Adebayo et al., 2018) on the first 16 explained images, beside Guided Backprop, and plot it.")]
        public bool Sanity { get; init; }

        [CommandOption("--out <DIR>")] [Description("Output folder (replaced as a whole when the run succeeds).")]
        public string Out { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            base.Validate() is { Successful: false } error ? error :
            !IsPhotos && string.IsNullOrWhiteSpace(Checkpoint)
                ? Spectre.Console.ValidationResult.Error("--checkpoint FILE is required for digits (e.g. runs/lenet/version_0/checkpoints/last.dat); " +
                                                         "for photos give --model NAME --images PATH.")
            : string.IsNullOrWhiteSpace(Out) ? Spectre.Console.ValidationResult.Error("--out DIR is required.")
            : BatchSize < 1 ? Spectre.Console.ValidationResult.Error("--batch-size must be at least 1.")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();   // per-run tensors (e.g. copies on --device) end with the run
        if (settings.IsPhotos) return ExplainPhotos(settings, cancellation);
        var device = settings.ResolveDevice();
        using var model = ModelLoader.LoadMnistModel(settings.Checkpoint!, device);   // Settings.Validate: digits need --checkpoint
        using var test = MnistDataset.Load(settings.ResolveDataFolder(), MnistSplit.Test);
        using var staged = new StagedFolder(settings.Out, settings.Inputs);
        ExplainDigits(model, test, settings, staged.WorkPath, cancellation).Save(staged.WorkPath);
        staged.Commit();
        AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(Path.GetFullPath(settings.Out))}[/] (manifest.json, maps/, figures/)");
        return 0;
    }

    private const string DefaultDigits = "0-15";

    /// <summary>Explains the chosen test digits into <paramref name="runDir"/> and returns the (unsaved) manifest; shared with `demo`.</summary>
    public static RunManifest ExplainDigits(LoadedModel model, MnistDataset test, Settings settings, string runDir,
                                            CancellationToken cancellation)
    {
        var device = settings.ResolveDevice();
        var layers = settings.LayersOr(LayerLocator.DefaultLayer(model.Module, LeNet.InputShape, device));
        var method = settings.CreateMethod(model.Module, layers);   // an unknown method or layer fails here, before any file is written
        var inputs = ExplainInputs.FromMnist(test, IndexSelection.Parse(settings.Indices ?? DefaultDigits, test.Count));
        var explainSettings = new ExplainSettings
        {
            Target = TargetRule.Parse(settings.Class, new ClassNames(test.ClassNames)), BatchSize = settings.BatchSize,
            Style = OverlayStyle.GreyDigit, Device = device, TopK = 3,
        };
        var manifest = ProgressBars.Run(progress => new Explainer(method, new ClassNames(test.ClassNames), explainSettings).Run(inputs, runDir,
            model.Summary(test.ClassNames.Count, device),
            new ManifestData { Source = Path.GetDirectoryName(test.ImagesPath), Split = "test", Count = inputs.Count },
            progress, cancellation));
        ShowItems(manifest);
        var numClasses = test.ClassNames.Count;
        return WithQualityChecks(manifest, settings, method, () => new LeNet(numClasses).to(device), inputs, device, runDir);
    }

    /// <summary>Images the sanity check re-explains at every randomisation step (it runs the method once per layer).</summary>
    private const int SanityImages = 16;

    /// <summary>
    /// Adds what --metrics and --sanity ask for, on the explained images and for the classes their maps explain;
    /// <paramref name="newModel"/> builds a fresh instance of the architecture for the sanity check's randomised copy.
    /// </summary>
    private static RunManifest WithQualityChecks(RunManifest manifest, Settings settings, CamMethod method,
        Func<torch.nn.Module<torch.Tensor, torch.Tensor>> newModel, IReadOnlyList<ExplainInput> inputs, torch.Device device, string runDir)
    {
        if (!settings.Metrics && !settings.Sanity) return manifest;
        using var scope = torch.NewDisposeScope();
        var images = torch.stack(inputs.Select(i => i.ModelInput).ToList()).to(device);
        var targets = manifest.Items.Select(i => (ICamTarget)new ClassLogitTarget(i.TargetClass!.Value)).ToList();
        if (settings.Metrics)
            manifest = manifest with { Metrics = ProgressBars.Run(p => QualityChecks.Faithfulness(method, images, targets, settings.BatchSize, p)) };
        if (settings.Sanity)
        {
            var count = Math.Min(SanityImages, inputs.Count);
            manifest = manifest with
            {
                Sanity = ProgressBars.Run(p => QualityChecks.Sanity(method.Model, newModel, SanityMethods(settings, method.TargetLayers),
                    images.narrow(0, 0, count), targets.Take(count).ToList(), runDir, $"{Explainer.FiguresFolder}/sanity.png", p)),
            };
        }
        ShowQuality(manifest);
        return manifest;
    }

    /// <summary>The notebook's second half: a torchvision classifier on photos, maps laid over them with cv2's JET overlay.</summary>
    private static int ExplainPhotos(Settings settings, CancellationToken cancellation)
    {
        var device = settings.ResolveDevice();
        using var scope = torch.NewDisposeScope();
        using var photos = PhotoSet.Load(settings, device, cancellation);
        var method = settings.CreateMethod(photos.Model.Model, settings.LayersOr(photos.Spec.DefaultLayer));   // fails before any file is written
        var target = TargetRule.Parse(settings.Class, photos.Names);
        var inputs = settings.Indices is null
            ? photos.Inputs
            : IndexSelection.Parse(settings.Indices, photos.Inputs.Count).Select(i => photos.Inputs[i]).ToList();
        if (target == TargetRule.True && inputs.Where(i => i.TrueLabel is null).Select(i => i.Source).ToList() is { Count: > 0 } unlabelled)
            throw new ArgumentException($"--class true needs a true label for every image; {unlabelled.Count} have none, e.g. " +
                $"{string.Join(", ", unlabelled.Take(3))}. Put photos in class folders (ImageFolder layout) or use --class pred.");
        var explainSettings = new ExplainSettings
        {
            Target = target, BatchSize = settings.BatchSize, Style = OverlayStyle.ColourPhoto, Device = device, TopK = 5,
        };
        using var staged = new StagedFolder(settings.Out, settings.Inputs);
        var manifest = ProgressBars.Run(p => new Explainer(method, photos.Names, explainSettings).Run(inputs, staged.WorkPath,
            photos.ModelSummary(device), photos.DataSummary() with { Count = inputs.Count }, p, cancellation));
        var (spec, numClasses) = (photos.Spec, photos.Model.NumClasses);
        manifest = WithQualityChecks(manifest, settings, method, () => spec.Create(numClasses).to(device), inputs, device, staged.WorkPath);
        manifest.Save(staged.WorkPath);
        staged.Commit();
        foreach (var item in manifest.Items)
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(item.Id)}[/]: {Markup.Escape(item.PredictedName ?? "?")} " +
                $"[grey]({string.Join(", ", item.TopK!.Select(t => $"{t.Name} {t.Probability:P1}").Select(Markup.Escape))})[/]");
        AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(staged.Target)}[/] (manifest.json, maps/, figures/)");
        return 0;
    }

    /// <summary>The chosen method, beside Guided Backprop: the known case whose maps survive randomisation, for contrast.</summary>
    private static IReadOnlyList<Func<torch.nn.Module<torch.Tensor, torch.Tensor>, CamMethod>> SanityMethods(Settings settings, IReadOnlyList<string> layers) =>
        settings.Method.Equals("guided-backprop", StringComparison.OrdinalIgnoreCase)
            ? [m => settings.CreateMethod(m, layers)]
            : [m => settings.CreateMethod(m, layers), m => new GuidedBackprop(m)];

    private static void ShowQuality(RunManifest manifest)
    {
        if (manifest.Metrics is { } metrics)
        {
            var table = new Table().Title("faithfulness (mean over the explained images)").AddColumns("metric", "method", "mean", "better");
            foreach (var m in metrics)
                table.AddRow(m.Name, m.Method, $"{m.Mean:F4}", m.HigherIsBetter == true ? "higher" : "lower");
            AnsiConsole.Write(table);
        }
        if (manifest.Sanity is { } sanity)
            foreach (var method in sanity.Methods)
            {
                var final = method.Steps[^1].Correlation;
                AnsiConsole.MarkupLine(Math.Abs(final) < 0.3
                    ? $"Sanity check, {method.Method}: correlation falls to [green]{final:F2}[/] when all weights are random — the maps depend on what the model learned."
                    : $"Sanity check, {method.Method}: correlation stays at [yellow]{final:F2}[/] with random weights — these maps barely depend on the model.");
            }
    }

    private static void ShowItems(RunManifest manifest)
    {
        var table = new Table().AddColumns("id", "true", "predicted", "probability", "map explains");
        foreach (var item in manifest.Items)
        {
            var wrong = item.TrueLabel is { } t && t != item.PredictedLabel;
            table.AddRow(new Text(item.Id), new Text(item.TrueName ?? "-"),
                new Markup(wrong ? $"[red]{Markup.Escape(item.PredictedName ?? "?")}[/]" : Markup.Escape(item.PredictedName ?? "?")),
                new Text($"{item.TopK?.FirstOrDefault()?.Probability:P1}"), new Text(item.Target ?? ""));
        }
        AnsiConsole.Write(table);
    }
}
