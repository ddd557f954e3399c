using SharpCam.Rendering;
using System.ComponentModel;
using System.Diagnostics;
using SharpCam.Cli.Console;
using SharpCam.Cam;
using SharpCam.Data;
using SharpCam.Models;
using SharpCam.Explanation;
using SharpCam.Reports;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>
/// `sharpcam demo`: the whole notebook from one command on the bundled sample — train LeNet, test it, explain 16 test
/// digits with Grad-CAM, analyse every failure, and gather it all in one HTML report.
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
        var clock = Stopwatch.StartNew();
        var device = settings.ResolveDevice();
        using var staged = new IO.StagedFolder(settings.Out, settings.Data);
        var dataFolder = settings.ResolveDataFolder();

        AnsiConsole.Write(new Rule("[bold]1. Train the notebook's LeNet[/]").LeftJustified());
        var summary = TrainCommand.Train(new TrainCommand.Settings
        {
            Data = dataFolder, Device = settings.Device, Epochs = settings.Epochs, Runs = Path.Combine(staged.WorkPath, "runs"),
        }, cancellation);
        var checkpoint = summary.BestCheckpoint;

        AnsiConsole.Write(new Rule("[bold]2. Test it[/]").LeftJustified());
        using var model = ModelLoader.LoadMnistModel(checkpoint, device);
        using var test = MnistDataset.Load(dataFolder, MnistSplit.Test);
        var evaluation = ProgressBars.Run(p => Evaluator.Evaluate(model.Module, new LabelledImages(test.Images.to(device), test.Labels.to(device)), progress: p, cancellation: cancellation));
        TestCommand.Show(evaluation, test.ClassNames);

        AnsiConsole.Write(new Rule("[bold]3. Explain 16 test digits with Grad-CAM; measure faithfulness; sanity-check[/]").LeftJustified());
        var explain = new ExplainCommand.Settings
        {
            Checkpoint = checkpoint, Data = dataFolder, Device = settings.Device, Out = staged.WorkPath, Metrics = true, Sanity = true,
        };
        var manifest = ExplainCommand.ExplainDigits(model, test, explain, staged.WorkPath, cancellation);

        AnsiConsole.Write(new Rule("[bold]4. Analyse the failures[/]").LeftJustified());
        var failures = FailuresCommand.Analyse(model, test, evaluation, new GradCam(model.Module, [LeNet.DefaultTargetLayer]), null, device,
            staged.WorkPath, cancellation);
        Figures.ConfusionMatrix(Path.Combine(staged.WorkPath, Explainer.FiguresFolder, "confusion_matrix.png"), evaluation.ConfusionMatrix,
            test.ClassNames, $"Confusion matrix ({evaluation.Count:N0} test images)");
        (manifest with { Model = manifest.Model with { Checkpoint = staged.FinalPathOf(checkpoint) }, Evaluation = EvaluationSummary.From(evaluation), Failures = new FailureSection { Items = failures } })
            .Save(staged.WorkPath);

        AnsiConsole.Write(new Rule("[bold]5. Report[/]").LeftJustified());
        HtmlReport.Write(staged.WorkPath);
        staged.Commit();

        var root = staged.Target;
        AnsiConsole.Write(new Panel(new Markup(string.Join("\n",
            $"Test accuracy [bold]{evaluation.Accuracy:P2}[/] on {evaluation.Count:N0} digits; {failures.Count} misclassified, each explained.",
            $"Report:       [green]{Markup.Escape(Path.Combine(root, "report.html"))}[/]",
            $"Explanations: {Markup.Escape(root)} (manifest.json, maps/*.npy, figures/*.png)",
            $"Training run: {Markup.Escape(Path.Combine(root, "runs", "lenet", "version_0"))} (checkpoints, metrics.csv, TensorBoard events)",
            $"Finished in {clock.Elapsed.TotalSeconds:F0} s.")))
            .Header("SharpCam demo").Border(BoxBorder.Rounded));
        return 0;
    }
}
