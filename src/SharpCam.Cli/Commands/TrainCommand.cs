using System.ComponentModel;
using SharpCam.Checkpoints;
using SharpCam.Cli.Console;
using SharpCam.Data;
using SharpCam.Models;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam train`: the notebook's LeNet training on MNIST-format data, with a live progress bar.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : DataSettings
    {
        [CommandOption("--epochs <N>")] [Description("Training epochs (default 6, as the notebook).")] [DefaultValue(6)]
        public int Epochs { get; init; } = 6;

        [CommandOption("--batch-size <N>")] [Description("Mini-batch size (default 32).")] [DefaultValue(32)]
        public int BatchSize { get; init; } = 32;

        [CommandOption("--lr <RATE>")] [Description("Adam learning rate (default 1e-3).")] [DefaultValue(1e-3)]
        public double LearningRate { get; init; } = 1e-3;

        [CommandOption("--seed <N>")] [Description("Seed for the initial weights, the split and the shuffles (default 42).")] [DefaultValue(42)]
        public int Seed { get; init; } = 42;

        [CommandOption("--val-size <N>")]
        [Description("Validation images taken from the training set (default: 5000 of 60000, proportionally fewer for smaller sets: 750 for the sample).")]
        public int? ValidationSize { get; init; }

        [CommandOption("--runs <DIR>")] [Description("Folder for run folders (default runs).")] [DefaultValue("runs")]
        public string Runs { get; init; } = "runs";

        [CommandOption("--name <NAME>")] [Description("Run name: checkpoints go to RUNS/NAME/version_N (default lenet).")] [DefaultValue("lenet")]
        public string Name { get; init; } = "lenet";

        public TrainingOptions Options => new() { Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = Seed };

        public override Spectre.Console.ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } error) return error;
            if (ValidationSize is < 1) return Spectre.Console.ValidationResult.Error("--val-size must be at least 1.");
            try
            {
                Options.Validate();
                return Spectre.Console.ValidationResult.Success();
            }
            catch (ArgumentException e)
            {
                return Spectre.Console.ValidationResult.Error(e.Message);
            }
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var summary = Train(settings, cancellation);
        AnsiConsole.MarkupLine($"Best checkpoint: [green]{Markup.Escape(summary.BestCheckpoint)}[/]");
        return 0;
    }

    /// <summary>Trains with a live progress bar and prints the per-epoch table; shared with `demo`.</summary>
    public static TrainingSummary Train(Settings settings, CancellationToken cancellation)
    {
        var device = settings.ResolveDevice();
        var options = settings.Options;
        options.Validate();   // Settings.Validate has checked the command line; demo builds Settings in code
        var folder = settings.ResolveDataFolder();
        using var full = MnistDataset.Load(folder, MnistSplit.Train);
        var (train, validation) = full.SplitForValidation(settings.ValidationSize, (ulong)settings.Seed);
        using var _t = train;
        using var _v = validation;
        AnsiConsole.MarkupLine($"Training LeNet on [bold]{train.Count:N0}[/] images, validating on [bold]{validation.Count:N0}[/] ({Markup.Escape(folder)})");

        Trainer.SeedEverything(options.Seed);
        using var model = new LeNet(full.ClassNames.Count);
        model.to(device);
        var run = RunFolder.CreateNext(settings.Runs, settings.Name);
        var metadata = new CheckpointMetadata { Architecture = "lenet", NumClasses = full.ClassNames.Count, ClassNames = full.ClassNames };
        var summary = ProgressBars.Run(progress => new Trainer(options).Fit(model,
            new LabelledImages(train.Images.to(device), train.Labels.to(device)),
            new LabelledImages(validation.Images.to(device), validation.Labels.to(device)),
            run, metadata, progress, cancellation));

        var table = new Table().AddColumns("epoch", "train loss", "train acc", "val loss", "val acc", "seconds");
        foreach (var e in summary.Epochs)
            table.AddRow($"{e.Epoch}", $"{e.TrainLoss:F4}", $"{e.TrainAccuracy:P2}", $"{e.ValLoss:F4}", $"{e.ValAccuracy:P2}", $"{e.Seconds:F1}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Run folder: [green]{Markup.Escape(run.Path)}[/] (metrics.csv, TensorBoard events, checkpoints/)");
        return summary;
    }
}
