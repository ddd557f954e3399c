using System.ComponentModel;
using System.Diagnostics;
using SharpCam.Cam;
using SharpCam.Cli.Console;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Models;
using SharpCam.Onnx;
using SharpCam.Reports;
using SharpCam.Rendering;
using SharpCam.Runs;
using SharpCam.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

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

    private const string ExplainedDigits = "0-15";

    /// <summary>The demo's similarity map: where in the astronaut photo is what makes it look like the rocket (the shuttle behind her).</summary>
    private const string SimilarPhoto = "astronaut.png", LikePhoto = "rocket.jpg";

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
        var device = settings.ResolveDevice();
        using var staged = new StagedFolder(settings.Out, settings.Data);
        var dataFolder = settings.ResolveDataFolder();

        AnsiConsole.Write(new Rule("[bold]1. Train the notebook's LeNet[/]").LeftJustified());
        var training = ProgressBars.Run(p => LeNetTraining.Train(dataFolder, new TrainingOptions { Epochs = settings.Epochs }, null,
            Path.Combine(staged.WorkPath, "runs"), "lenet", device, p, cancellation));
        TrainingConsole.ShowTraining(training, dataFolder);
        var checkpoint = training.Summary.BestCheckpoint;

        AnsiConsole.Write(new Rule("[bold]2. Test it, and explain every failure for its predicted and true class[/]").LeftJustified());
        using var model = ModelLoader.LoadMnistModel(checkpoint, device);
        using var test = MnistDataset.Load(dataFolder, MnistSplit.Test);
        var names = new ClassNames(test.ClassNames);
        var summary = model.Summary(test.ClassNames.Count, device) with { Checkpoint = staged.FinalPathOf(checkpoint) };
        var failures = ProgressBars.Run(p => new DataSetRun(new GradCam(model.Module, [LeNet.DefaultTargetLayer]), names,
                new RunOptions { Kind = RunKind.Failures, TopK = 3, Device = device })
            .RunInto(RunSource.FromMnist(test, Enumerable.Range(0, test.Count).ToList()), staged.WorkPath, summary, p, cancellation))
            ?? throw new OperationCanceledException();
        TrainingConsole.ShowEvaluation(failures.Evaluation!, test.ClassNames);
        RunConsole.ShowFailures(failures);
        var confusion = failures.Evaluation!.Confusion!;
        Figures.ConfusionMatrix(Path.Combine(staged.WorkPath, DataSetRun.FiguresFolder, "confusion_matrix.png"),
            ToMatrix(confusion), test.ClassNames, $"Confusion matrix ({failures.Evaluation.N:N0} test images)");

        AnsiConsole.Write(new Rule("[bold]3. Explain 16 test digits with Grad-CAM; measure faithfulness; sanity-check[/]").LeftJustified());
        var numClasses = test.ClassNames.Count;
        Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, CamMethod> gradCam = m => new GradCam(m, [LeNet.DefaultTargetLayer]);
        var explained = ProgressBars.Run(p => new DataSetRun(gradCam(model.Module), names, new RunOptions
            {
                TopK = 3, Device = device, Metrics = true,
                Sanity = new SanityRequest(() => new LeNet(numClasses).to(device), [gradCam, m => new GuidedBackprop(m)]),
            })
            .RunInto(RunSource.FromMnist(test, IndexSelection.Parse(ExplainedDigits, test.Count)), staged.WorkPath, summary, p, cancellation))
            ?? throw new OperationCanceledException();
        RunConsole.ShowExplained(explained);

        AnsiConsole.Write(new Rule("[bold]4. A trained photo model: the ResNet-18 featurizer on the sample photos[/]").LeftJustified());
        using var featurizer = OnnxPhotoModel.Featurizer(device);
        var samples = BundledData.SamplePhotos;
        var photos = ProgressBars.Run(p => FeaturizerShowcase.Run(featurizer, samples, Path.Combine(samples, SimilarPhoto),
                Path.Combine(samples, LikePhoto), staged.WorkPath, p, cancellation))
            ?? throw new OperationCanceledException();
        foreach (var run in photos.Runs)
            foreach (var item in run.Items)
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(item.Id)}[/]: {Markup.Escape(run.Method)}, {Markup.Escape(item.Target ?? "")}");
        (explained with { Evaluation = failures.Evaluation, Failures = new FailureSection { Items = failures.Items }, Photos = photos })
            .Save(staged.WorkPath);

        AnsiConsole.Write(new Rule("[bold]5. Report[/]").LeftJustified());
        HtmlReport.Write(staged.WorkPath);
        staged.Commit();

        var root = staged.Target;
        AnsiConsole.Write(new Panel(new Markup(string.Join("\n",
            $"Test accuracy [bold]{failures.Evaluation.TestAcc:P2}[/] on {failures.Evaluation.N:N0} digits; {failures.Items.Count} misclassified, each explained.",
            $"Report:       [green]{Markup.Escape(Path.Combine(root, "report.html"))}[/]",
            $"Explanations: {Markup.Escape(root)} (manifest.json, maps/*.npy, figures/*.png; photos/: the trained featurizer's)",
            $"Training run: {Markup.Escape(Path.Combine(root, "runs", "lenet", "version_0"))} (checkpoints, metrics.csv, TensorBoard events)",
            $"Finished in {clock.Elapsed.TotalSeconds:F0} s.")))
            .Header("SharpCam demo").Border(BoxBorder.Rounded));
        return 0;
    }

    private static int[,] ToMatrix(IReadOnlyList<IReadOnlyList<long>> rows)
    {
        var matrix = new int[rows.Count, rows.Count];
        for (int t = 0; t < rows.Count; t++)
            for (int p = 0; p < rows.Count; p++) matrix[t, p] = (int)rows[t][p];
        return matrix;
    }
}
