using System.ComponentModel;
using SharpCam.Cam;
using SharpCam.Cli.Console;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Rendering;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam failures`: every misclassified test image, explained for its predicted and its true class.</summary>
public sealed class FailuresCommand : Command<FailuresCommand.Settings>
{
    public sealed class Settings : MethodSettings
    {
        [CommandOption("--checkpoint <FILE>")] [Description("LeNet weights (.dat, .pth, Lightning .ckpt or .safetensors).")]
        public string Checkpoint { get; init; } = "";


        [CommandOption("--limit <N>")] [Description("Explain at most N failures, most confident first (default: all).")]
        public int? Limit { get; init; }

        [CommandOption("--out <DIR>")] [Description("Output folder (replaced as a whole when the run succeeds).")]
        public string Out { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Checkpoint) ? Spectre.Console.ValidationResult.Error("--checkpoint FILE is required.")
            : string.IsNullOrWhiteSpace(Out) ? Spectre.Console.ValidationResult.Error("--out DIR is required.")
            : Limit is < 1 ? Spectre.Console.ValidationResult.Error("--limit must be at least 1.")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var device = settings.ResolveDevice();
        using var model = ModelLoader.LoadMnistModel(settings.Checkpoint, device);
        using var test = MnistDataset.Load(settings.ResolveDataFolder(), MnistSplit.Test);
        var evaluation = ProgressBars.Run(p => Evaluator.Evaluate(model.Module, new LabelledImages(test.Images.to(device), test.Labels.to(device)), progress: p));
        using var staged = new StagedFolder(settings.Out);
        var method = settings.CreateMethod(model.Module, settings.LayersOr(LayerLocator.DefaultLayer(model.Module, LeNet.InputShape, device)));
        var items = Analyse(model, test, evaluation, method, settings.Limit, device, staged.WorkPath);
        new RunManifest
        {
            Version = SharpCamInfo.Version, Created = DateTime.UtcNow, Kind = RunKind.Failures,
            Model = ModelSummary(model, test, device), Method = method.Name, Layer = string.Join("+", method.TargetLayers),
            Normalization = settings.Normalization, TargetRule = "pred+true", ClassNames = test.ClassNames,
            Data = new ManifestData { Source = Path.GetDirectoryName(test.ImagesPath), Split = "test", Count = test.Count },
            Items = items, Evaluation = EvaluationSummary.From(evaluation),
        }.Save(staged.WorkPath);
        staged.Commit();
        AnsiConsole.MarkupLine($"{items.Count} of {evaluation.Count - evaluation.CorrectCount} misclassified test images explained " +
                               $"(accuracy {evaluation.Accuracy:P2}). Wrote [green]{Markup.Escape(staged.Target)}[/]");
        return 0;
    }

    /// <summary>Selects the failures of an evaluation and explains them into <paramref name="runDir"/>; shared with `demo`.</summary>
    public static IReadOnlyList<ManifestItem> Analyse(LoadedModel model, MnistDataset test, EvaluationResult evaluation,
                                                      CamMethod method, int? limit, TorchSharp.torch.Device device, string runDir)
    {
        var chosen = FailureAnalysis.Select(evaluation.Labels, evaluation.Predictions, evaluation.Confidences, limit);
        var inputs = ExplainInputs.FromMnist(test, chosen);
        var analysis = new FailureAnalysis(method, new ClassNames(test.ClassNames),
            new ExplainSettings { Style = OverlayStyle.GreyDigit, Device = device, TopK = 3 });
        var items = ProgressBars.Run(p => analysis.Run(inputs, chosen.Select(i => evaluation.Predictions[i]).ToList(), runDir, p));
        var table = new Table().AddColumns("id", "true", "predicted", "confidence");
        foreach (var item in items.Take(10))
            table.AddRow(item.Id, item.TrueName ?? "", item.PredictedName ?? "", $"{item.Confidence:P1}");
        if (items.Count > 0) AnsiConsole.Write(table.Title(items.Count > 10 ? $"most confident mistakes (10 of {items.Count})" : "mistakes"));
        return items;
    }

    public static ManifestModel ModelSummary(LoadedModel model, MnistDataset data, TorchSharp.torch.Device device) => new()
    {
        Architecture = model.Architecture, Checkpoint = Path.GetFullPath(model.Source), NumClasses = data.ClassNames.Count,
        InputSize = [28, 28], Device = device.ToString(),
    };
}
