using System.ComponentModel;
using System.Text.Json;
using SharpCam.Cli.Terminal;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.Models;
using SharpCam.Rendering;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using SharpCam.Runs;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam test`: the notebook's trainer.test — loss and accuracy on the test split, per class, and the confusion matrix.</summary>
public sealed class TestCommand : Command<TestCommand.Settings>
{
    public sealed class Settings : DataSettings
    {
        [CommandOption("--checkpoint <FILE>")]
        [Description("Model weights: a SharpCam .dat, a PyTorch .pth state dict, a Lightning .ckpt or a .safetensors file.")]
        public string Checkpoint { get; init; } = "";

        [CommandOption("--json")] [Description("Print only {\"test_loss\":…, \"test_acc\":…, \"n\":…} on stdout, for scripts.")]
        public bool Json { get; init; }

        [CommandOption("--out <DIR>")] [Description("Also write the confusion matrix as DIR/confusion_matrix.png.")]
        public string? Out { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            base.Validate() is { Successful: false } error ? error :
            string.IsNullOrWhiteSpace(Checkpoint)
                ? Spectre.Console.ValidationResult.Error("--checkpoint FILE is required (e.g. runs/lenet/version_0/checkpoints/last.dat).")
                : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();   // per-run tensors (e.g. copies on --device) end with the run
        var device = settings.ResolveDevice();
        using var model = ModelLoader.LoadLeNet(settings.Checkpoint, device);
        using var test = MnistDataset.Load(settings.ResolveDataFolder(), MnistSplit.Test);
        var data = new LabelledImages(test.Images.to(device), test.Labels.to(device));
        var result = settings.Json
            ? Evaluator.Evaluate(model.Module, data, cancellation: cancellation)
            : ProgressBars.Run(progress => Evaluator.Evaluate(model.Module, data, progress: progress, cancellation: cancellation));
        if (settings.Json)
        {
            // JSON has no NaN: a loss or accuracy that is not a number (no test images, overflowing logits) is written as null.
            static double? Finite(double value) => double.IsFinite(value) ? value : null;
            System.Console.Out.WriteLine(JsonSerializer.Serialize(new { test_loss = Finite(result.Loss), test_acc = Finite(result.Accuracy), n = result.Count }));
            return 0;
        }
        TrainingConsole.ShowEvaluation(EvaluationSummary.From(result), test.ClassNames);
        if (settings.Out is null)
        {
            AnsiConsole.MarkupLine("[grey]Add --out DIR to save the confusion matrix as a PNG.[/]");
            return 0;
        }
        var figure = Path.Combine(settings.Out, "confusion_matrix.png");
        Figures.ConfusionMatrix(figure, result.ConfusionMatrix, test.ClassNames, $"Confusion matrix ({result.Count:N0} test images)");
        AnsiConsole.MarkupLine($"Confusion matrix: [green]{Markup.Escape(Path.GetFullPath(figure))}[/]");
        return 0;
    }
}
