using SharpCam.Cli.Commands;
using SharpCam.Cli.Terminal;
using Spectre.Console.Cli;

namespace SharpCam.Cli;

/// <summary>The `sharpcam` command set, registered in one place for the executable and its tests.</summary>
public static class CliApp
{
    /// <summary>Every command; tests walk this list, so a command added here is covered by them.</summary>
    public static IReadOnlyList<CliCommand> Commands { get; } =
    [
        CliCommand.Of<DemoCommand>("demo", "Run the whole notebook on the bundled sample: train, test, explain, failures, HTML report."),
        CliCommand.Of<TrainCommand>("train", "Train the notebook's LeNet on MNIST-format data (default: the bundled sample)."),
        CliCommand.Of<TestCommand>("test", "Test loss, accuracy, per-class accuracy and confusion matrix of a checkpoint."),
        CliCommand.Of<ExplainCommand>("explain", "Explain test images with a CAM method: maps (.npy), figures and manifest.json."),
        CliCommand.Of<FailuresCommand>("failures", "Explain every misclassified test image for its predicted and its true class."),
        CliCommand.Of<MethodsCommand>("methods", "List the CAM methods with what each does."),
        CliCommand.Of<LayersCommand>("layers", "List a model's layers with their output shapes (target layer candidates)."),
        CliCommand.Of<MergeCommand>("merge", "Join the shards of a --shard K/N run into one run folder and report."),
        CliCommand.Of<ServeCommand>("serve", "Explore a run folder in the browser: filter, re-explain any item with any method, layer or class, try your own image."),
        CliCommand.Of<ReportCommand>("report", "Write one self-contained HTML page for a run folder (explain or failures)."),
    ];

    /// <summary>Runs one command line: exit 0 on success, 2 for a usage error, 1 for any other error, 130 when cancelled.</summary>
    public static int Run(string[] args)
    {
        var check = new UnexpectedArguments(Commands);
        if (check.Check(args) is { } usage) return ErrorReporter.Report(usage, null);
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("sharpcam");
            config.SetExceptionHandler((error, resolver) => ErrorReporter.Report(check.Explain(error, args), resolver));
            foreach (var command in Commands) command.Register(config);
        });
        return app.Run(args);
    }
}
