using SharpCam.Rendering;
using System.ComponentModel;
using SharpCam.Cli.Console;
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
        if (inputs.Onnx is { HasClassScores: false } classFree)
            throw new ArgumentException(classFree.NoClassScores("failures (it analyses a classifier's mistakes)"));
        var method = settings.CreateMethod(inputs.Model, settings.LayersOr(inputs.DefaultLayer));   // fails before any file is written
        var run = new DataSetRun(method, inputs.Names, new RunOptions
        {
            Kind = RunKind.Failures, BatchSize = settings.BatchSize, TopK = inputs.TopK, Style = inputs.Style, Device = device,
            Figures = settings.FigureMode, Strict = settings.Strict, Limit = settings.Limit,
        });
        var result = ProgressBars.Run(p => run.Run(inputs.Source, settings.Out, inputs.Summary, settings.Resume, settings.Inputs, p, interruption.Token));
        if (result.Interrupted) return RunConsole.Interrupted(result, interruption, context.Arguments);
        RunConsole.ShowFailures(result.Manifest!);
        RunConsole.Wrote(result, "manifest.json, maps/, figures/");
        return 0;
    }
}
