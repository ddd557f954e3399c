using SharpCam.Rendering;
using System.ComponentModel;
using SharpCam.Cam;
using SharpCam.Cli.Console;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam failures`: every misclassified test image, explained for its predicted and its true class.</summary>
public sealed class FailuresCommand : Command<FailuresCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {

        [CommandOption("--limit <N>")] [Description("Explain at most N failures, most confident first (default: all).")]
        public int? Limit { get; init; }

        [CommandOption("--out <DIR>")] [Description("Output folder (replaced as a whole when the run succeeds).")]
        public string Out { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            base.Validate() is { Successful: false } error ? error :
            !IsPhotos && string.IsNullOrWhiteSpace(Checkpoint)
                ? Spectre.Console.ValidationResult.Error("--checkpoint FILE is required for digits; for photos give --model NAME --images FOLDER.")
            : string.IsNullOrWhiteSpace(Out) ? Spectre.Console.ValidationResult.Error("--out DIR is required.")
            : Limit is < 1 ? Spectre.Console.ValidationResult.Error("--limit must be at least 1.")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();   // per-run tensors (e.g. copies on --device) end with the run
        if (settings.IsPhotos) return AnalysePhotos(settings, cancellation);
        var device = settings.ResolveDevice();
        using var model = ModelLoader.LoadMnistModel(settings.Checkpoint!, device);
        using var test = MnistDataset.Load(settings.ResolveDataFolder(), MnistSplit.Test);
        var evaluation = ProgressBars.Run(p => Evaluator.Evaluate(model.Module, new LabelledImages(test.Images.to(device), test.Labels.to(device)), progress: p, cancellation: cancellation));
        using var staged = new StagedFolder(settings.Out, settings.Inputs);
        var method = settings.CreateMethod(model.Module, settings.LayersOr(LayerLocator.DefaultLayer(model.Module, LeNet.InputShape, device)));
        var items = Analyse(model, test, evaluation, method, settings.Limit, device, staged.WorkPath, cancellation);
        Save(settings, method, model.Summary(test.ClassNames.Count, device),
            new ManifestData { Source = Path.GetDirectoryName(test.ImagesPath), Split = "test", Count = test.Count },
            test.ClassNames, items, evaluation, staged);
        AnsiConsole.MarkupLine($"{items.Count} of {evaluation.Count - evaluation.CorrectCount} misclassified test images explained " +
                               $"(accuracy {evaluation.Accuracy:P2}). Wrote [green]{Markup.Escape(staged.Target)}[/]");
        return 0;
    }

    /// <summary>Failures among photos in an ImageFolder layout (root/&lt;class&gt;/&lt;image&gt;), whose folders give the true labels.</summary>
    private static int AnalysePhotos(Settings settings, CancellationToken cancellation)
    {
        var device = settings.ResolveDevice();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var photos = PhotoSet.Load(settings, device, cancellation);
        var unlabelled = photos.Inputs.Count(i => i.TrueLabel is null);
        if (unlabelled > 0)
            throw new ArgumentException($"{unlabelled} of {photos.Inputs.Count} images have no true label. Failure analysis needs an ImageFolder " +
                                        "layout, --images ROOT with ROOT/<class>/<image>, whose folder names are class names or indices.");
        var method = settings.CreateMethod(photos.Model.Model, settings.LayersOr(photos.Spec.DefaultLayer));
        var images = TorchSharp.torch.stack(photos.Inputs.Select(i => i.ModelInput).ToList()).to(device);
        var labels = TorchSharp.torch.tensor(photos.Inputs.Select(i => (long)i.TrueLabel!.Value).ToArray()).to(device);
        var evaluation = ProgressBars.Run(p => Evaluator.Evaluate(photos.Model.Model, new LabelledImages(images, labels), batchSize: 16, progress: p, cancellation: cancellation));
        var chosen = FailureAnalysis.Select(evaluation.Labels, evaluation.Predictions, evaluation.Confidences, settings.Limit);
        var analysis = new FailureAnalysis(method, photos.Names,
            new ExplainSettings { Style = OverlayStyle.ColourPhoto, Device = device, TopK = 5, BatchSize = 8 });
        using var staged = new StagedFolder(settings.Out, settings.Inputs);
        var items = ProgressBars.Run(p => analysis.Run(chosen.Select(i => photos.Inputs[i]).ToList(),
            chosen.Select(i => evaluation.Predictions[i]).ToList(), staged.WorkPath, p, cancellation));
        Save(settings, method, photos.ModelSummary(device), photos.DataSummary(), photos.Names.Names, items, evaluation, staged);
        AnsiConsole.MarkupLine($"{items.Count} of {evaluation.Count - evaluation.CorrectCount} misclassified images explained " +
                               $"(accuracy {evaluation.Accuracy:P2}). Wrote [green]{Markup.Escape(staged.Target)}[/]");
        return 0;
    }

    private static void Save(Settings settings, CamMethod method, ManifestModel model, ManifestData data, IReadOnlyList<string> classNames,
                             IReadOnlyList<ManifestItem> items, EvaluationResult evaluation, StagedFolder staged)
    {
        new RunManifest
        {
            Version = SharpCamInfo.Version, Created = DateTime.UtcNow, Kind = RunKind.Failures, Model = model,
            Method = method.Name, Layer = string.Join("+", method.TargetLayers), Normalization = settings.Normalization,
            TargetRule = "pred+true", ClassNames = classNames, Data = data, Items = items, Evaluation = EvaluationSummary.From(evaluation),
        }.Save(staged.WorkPath);
        staged.Commit();
    }

    /// <summary>Selects the failures of an evaluation and explains them into <paramref name="runDir"/>; shared with `demo`.</summary>
    public static IReadOnlyList<ManifestItem> Analyse(LoadedModel model, MnistDataset test, EvaluationResult evaluation,
                                                      CamMethod method, int? limit, TorchSharp.torch.Device device, string runDir,
                                                      CancellationToken cancellation)
    {
        var chosen = FailureAnalysis.Select(evaluation.Labels, evaluation.Predictions, evaluation.Confidences, limit);
        var inputs = ExplainInputs.FromMnist(test, chosen);
        var analysis = new FailureAnalysis(method, new ClassNames(test.ClassNames),
            new ExplainSettings { Style = OverlayStyle.GreyDigit, Device = device, TopK = 3 });
        var items = ProgressBars.Run(p => analysis.Run(inputs, chosen.Select(i => evaluation.Predictions[i]).ToList(), runDir, p, cancellation));
        var table = new Table().AddColumns("id", "true", "predicted", "confidence");
        foreach (var item in items.Take(10))
            table.AddRow(item.Id, item.TrueName ?? "", item.PredictedName ?? "", $"{item.Confidence:P1}");
        if (items.Count > 0) AnsiConsole.Write(table.Title(items.Count > 10 ? $"most confident mistakes (10 of {items.Count})" : "mistakes"));
        return items;
    }
}
