using SharpCam.Cli.Commands;
using SharpCam.Cli.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("sharpcam");
    config.SetExceptionHandler(ErrorReporter.Report);
    config.AddCommand<LayersCommand>("layers").WithDescription("List a model's layers with their output shapes (target layer candidates).");
    config.AddCommand<ReportCommand>("report").WithDescription("Write one self-contained HTML page for a run folder (explain or failures).");
});
return app.Run(args);
