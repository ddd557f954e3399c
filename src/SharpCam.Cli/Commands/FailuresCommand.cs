using SharpCam.Rendering;
using System.ComponentModel;
using SharpCam.Cli.Terminal;
using SharpCam.Explanation;
using SharpCam.Runs;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace SharpCam.Cli.Commands;

/// <summary>
/// `sharpcam failures`: a prediction for every test image; accuracy, per-class accuracy and confusion over all of them;
/// each misclassified image explained for its predicted and its true class, most confident mistakes first.
/// </summary>
public sealed class FailuresCommand : Command<FailuresCommand.Settings>
{
    public sealed class Settings : RunSettings
    {
        [CommandOption("--limit <N>")] [Description("Keep maps of at most N failures, most confident first (default: all).")]
        public int? Limit { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            base.Validate() is { Successful: false } error ? error
            : Limit is < 1 ? Spectre.Console.ValidationResult.Error("--limit must be at least 1.")
            : Like is not null ? Spectre.Console.ValidationResult.Error("--like belongs to `sharpcam explain`: failure analysis explains the predicted and the true class.")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var scope = NewDisposeScope();   // per-run tensors (e.g. copies on --device) end with the run
        using var interruption = new Interruption(cancellation);
        var device = settings.ResolveDevice();
        using var inputs = RunInputs.Load(settings, device, indices: null, defaultDigits: null, interruption.Token);
        var model = inputs.Model;
        model.CheckFailuresRun();
        var method = settings.CreateMethod(model.Model, settings.LayersOr(model.DefaultLayer));   // fails before any file is written
        var run = new DataSetRun(method, model.Names, new RunOptions
        {
            Kind = RunKind.Failures, BatchSize = settings.BatchSize, TopK = model.TopK, Style = model.Style, Device = device,
            Figures = settings.FigureMode, Strict = settings.Strict, Limit = settings.Limit,
        });
        var result = ProgressBars.Run(p => run.Run(inputs.Source, settings.Out, inputs.Model.Summary, settings.Resume, settings.Inputs, p, interruption.Token));
        if (result.Interrupted) return RunConsole.Interrupted(result, interruption, context.Arguments);
        RunConsole.ShowFailures(result.Manifest!);
        RunConsole.Wrote(result, "manifest.json, maps/, figures/");
        return 0;
    }
}
