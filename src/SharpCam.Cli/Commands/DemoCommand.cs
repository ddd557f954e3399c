using System.ComponentModel;
using System.Diagnostics;
using SharpCam.Cli.Terminal;
using SharpCam.Demo;
using SharpCam.Explanation;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>
/// `sharpcam demo`: the whole notebook from one command on the bundled sample — train LeNet, test it and analyse every
/// failure, explain 16 test digits with Grad-CAM, explain the sample photos with the trained featurizer (Eigen-CAM and
/// one similarity map), and gather it all in one HTML report.
/// </summary>
public sealed class DemoCommand : Command<DemoCommand.Settings>
{
    public sealed class Settings : DataSettings
    {
        [CommandOption("--out <DIR>")] [Description("Output folder (default sharpcam-demo; replaced as a whole when the demo succeeds).")]
        [DefaultValue("sharpcam-demo")]
        public string Out { get; init; } = "sharpcam-demo";

        [CommandOption("--epochs <N>")] [Description("Training epochs (default 6, as the notebook).")] [DefaultValue(6)]
        public int Epochs { get; init; } = 6;

        /// <summary>The training rules of `train`, applied to --epochs here, before the output folder is staged.</summary>
        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } error ? error : new TrainCommand.Settings { Epochs = Epochs }.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();   // per-run tensors (e.g. copies on --device) end with the run
        using var interruption = new Interruption(cancellation);
        try
        {
            return Run(settings, interruption.Token);
        }
        catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
        {
            System.Console.Error.WriteLine("interrupted: the demo stopped; nothing was written (run it again to start over).");
            return interruption.ExitCode;
        }
    }

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var result = NotebookDemo.Run(settings.ResolveDataFolder(), settings.Data, settings.Out, settings.Epochs, settings.ResolveDevice(),
                                      new ConsoleObserver(), cancellation);
        AnsiConsole.Write(new Panel(new Markup(string.Join("\n",
            $"Test accuracy [bold]{result.Evaluation.TestAcc:P2}[/] on {result.Evaluation.N:N0} digits; {result.Failures} misclassified, each explained.",
            $"Report:       [green]{Markup.Escape(result.Report)}[/]",
            $"Explanations: {Markup.Escape(result.Folder)} (manifest.json, maps/*.npy, figures/*.png; photos/: the trained featurizer's)",
            $"Training run: {Markup.Escape(result.TrainingRun)} (checkpoints, metrics.csv, TensorBoard events)",
            $"Finished in {clock.Elapsed.TotalSeconds:F0} s.")))
            .Header("SharpCam demo").Border(BoxBorder.Rounded));
        return 0;
    }

    /// <summary>The demo's stages as rules, progress bars and the tables `train`, `failures` and `explain` print.</summary>
    private sealed class ConsoleObserver : IDemoObserver
    {
        public void Stage(int number, string title) => AnsiConsole.Write(new Rule($"[bold]{number}. {Markup.Escape(title)}[/]").LeftJustified());
        public T Track<T>(Func<IProgress<ProgressUpdate>, T> work) => ProgressBars.Run(work);
        public void Trained(LeNetTrainingRun training, string dataFolder) => TrainingConsole.ShowTraining(training, dataFolder);

        public void Tested(RunManifest failures, IReadOnlyList<string> classNames)
        {
            TrainingConsole.ShowEvaluation(failures.Evaluation!, classNames);
            RunConsole.ShowFailures(failures);
        }

        public void Explained(RunManifest explained) => RunConsole.ShowExplained(explained);

        public void PhotosExplained(PhotoSection photos)
        {
            foreach (var run in photos.Runs)
                foreach (var item in run.Items)
                    AnsiConsole.MarkupLine($"[bold]{Markup.Escape(item.Id)}[/]: {Markup.Escape(run.Method)}, {Markup.Escape(item.Target ?? "")}");
        }
    }
}
