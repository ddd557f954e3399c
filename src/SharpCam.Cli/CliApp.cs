using SharpCam.Cli.Commands;
using SharpCam.Cli.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli;

/// <summary>The `sharpcam` command set, built in one place for the executable and its tests.</summary>
public static class CliApp
{
    public static CommandApp Create()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("sharpcam");
            config.SetExceptionHandler(ErrorReporter.Report);
            config.AddCommand<DemoCommand>("demo").WithDescription("Run the whole notebook on the bundled sample: train, test, explain, failures, HTML report.");
            config.AddCommand<TrainCommand>("train").WithDescription("Train the notebook's LeNet on MNIST-format data (default: the bundled sample).");
            config.AddCommand<TestCommand>("test").WithDescription("Test loss, accuracy, per-class accuracy and confusion matrix of a checkpoint.");
            config.AddCommand<ExplainCommand>("explain").WithDescription("Explain test images with a CAM method: maps (.npy), figures and manifest.json.");
            config.AddCommand<FailuresCommand>("failures").WithDescription("Explain every misclassified test image for its predicted and its true class.");
            config.AddCommand<MethodsCommand>("methods").WithDescription("List the CAM methods with what each does.");
            config.AddCommand<LayersCommand>("layers").WithDescription("List a model's layers with their output shapes (target layer candidates).");
            config.AddCommand<ServeCommand>("serve").WithDescription("Explore a run folder in the browser: filter, re-explain any item with any method, layer or class, try your own image.");
            config.AddCommand<ReportCommand>("report").WithDescription("Write one self-contained HTML page for a run folder (explain or failures).");
        });
        return app;
    }
}
