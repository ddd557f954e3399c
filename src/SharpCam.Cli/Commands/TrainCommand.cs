using System.ComponentModel;
using SharpCam.Cli.Terminal;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;

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
        var folder = settings.ResolveDataFolder();
        var options = settings.Options;
        using var interruption = new Interruption(cancellation);
        LeNetTrainingRun training;
        try
        {
            training = ProgressBars.Run(p => LeNetTraining.Train(folder, options, settings.ValidationSize, settings.Runs, settings.Name,
                settings.ResolveDevice(), p, interruption.Token));
        }
        catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
        {
            System.Console.Error.WriteLine($"interrupted: training stopped after the current batch; the checkpoints of finished epochs are under {settings.Runs}.");
            return interruption.ExitCode;
        }
        TrainingConsole.ShowTraining(training, folder);
        AnsiConsole.MarkupLine($"Best checkpoint: [green]{Markup.Escape(training.Summary.BestCheckpoint)}[/]");
        return 0;
    }
}
