using SharpCam.Rendering;
using System.ComponentModel;
using SharpCam.Cam;
using SharpCam.Cli.Console;
using SharpCam.Explanation;
using SharpCam.Runs;
using SharpCam.Targets;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cli.Commands;

/// <summary>
/// `sharpcam explain`: CAM maps, figures and a manifest — for test digits with a LeNet checkpoint (the notebook's
/// first half), or for photos with a torchvision classifier (its second half).
/// </summary>
public sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public class Settings : RunSettings
    {
        [CommandOption("--indices <LIST>")]
        [Description("Images to explain, by position: indices and ranges, e.g. 0-15 or 3,7,10-12 (default: test digits 0-15; all photos).")]
        public string? Indices { get; init; }

        [CommandOption("--class <WHICH>")] [Description("What each map explains: pred (predicted class, default), true (true label), or a class index or name.")]
        [DefaultValue("pred")]
        public string Class { get; init; } = "pred";

        [CommandOption("--metrics")]
        [Description("Also measure faithfulness: drop/increase in confidence, ROAD, deletion/insertion areas.")]
        public bool Metrics { get; init; }

        [CommandOption("--sanity")]
        [Description("Also run the model-randomisation sanity check (Adebayo et al., 2018) on the first 16 explained images, beside Guided Backprop, and plot it.")]
        public bool Sanity { get; init; }
    }

    public const string DefaultDigits = "0-15";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var scope = NewDisposeScope();   // per-run tensors (e.g. copies on --device) end with the run
        using var interruption = new Interruption(cancellation);
        var device = settings.ResolveDevice();
        using var inputs = RunInputs.Load(settings, device, settings.Indices, DefaultDigits, interruption.Token);
        var run = Create(settings, inputs, device);   // an unknown method, layer or class fails here, before any file is written
        var result = ProgressBars.Run(p => run.Run(inputs.Source, settings.Out, inputs.Summary, settings.Resume, settings.Inputs, p, interruption.Token));
        if (result.Interrupted) return RunConsole.Interrupted(result, interruption, context.Arguments);
        RunConsole.ShowExplained(result.Manifest!);
        RunConsole.Wrote(result, "manifest.json, maps/, figures/");
        return 0;
    }

    /// <summary>
    /// The run the options ask for. A model without class scores (the trained featurizer, a feature extractor) is
    /// explained with Eigen-CAM unless --method or --like says otherwise; asking it for a class is refused here.
    /// </summary>
    private static DataSetRun Create(Settings settings, RunInputs inputs, Device device)
    {
        var layers = settings.LayersOr(inputs.DefaultLayer);
        if (settings.Like is not null && !settings.Class.Equals("pred", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--like {settings.Like} explains similarity to that photo, not a class; leave out --class {settings.Class}.");
        if (inputs.Onnx is { HasClassScores: false } classFree)
        {
            if (!settings.Class.Equals("pred", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException(classFree.NoClassScores($"--class {settings.Class}"));
            if (settings.Metrics || settings.Sanity)
                throw new ArgumentException(classFree.NoClassScores(settings.Metrics ? "--metrics" : "--sanity"));
        }
        else if (settings.Sanity && inputs.NewModel is null)
            throw new ArgumentException("--sanity re-initialises the architecture, which SharpCam can do for zoo models, not for an ONNX file; leave --sanity out.");
        var method = settings.CreateMethod(inputs.Model, layers, inputs.HasClassScores || settings.Like is not null ? MethodSettings.DefaultMethod : "eigencam");
        if (!inputs.HasClassScores && settings.Like is null && method.NeedsTarget)
            throw new ArgumentException(inputs.Onnx!.NoClassScores($"--method {method.Name} (it explains a class)"));
        if (!inputs.HasClassScores && settings.Method is null && settings.Like is null)
            AnsiConsole.MarkupLine("The model has no class scores: explaining with Eigen-CAM (or give --like FILE).");
        var concept = settings.Like is null ? null
            : ConceptSimilarityTarget.FromReferencePhoto(inputs.Model, inputs.Preprocessing!, settings.Like, device);
        return new DataSetRun(method, inputs.Names, new RunOptions
        {
            Kind = RunKind.Explain, Target = TargetRule.Parse(settings.Class, inputs.Names), Concept = concept, BatchSize = settings.BatchSize,
            TopK = inputs.TopK, Style = inputs.Style, Device = device, Figures = settings.FigureMode, Strict = settings.Strict,
            Metrics = settings.Metrics,
            Sanity = settings.Sanity ? new SanityRequest(inputs.NewModel!, SanityMethods(settings, layers)) : null,
        });
    }

    /// <summary>The chosen method, beside Guided Backprop: the known case whose maps survive randomisation, for contrast.</summary>
    private static IReadOnlyList<Func<Module<Tensor, Tensor>, CamMethod>> SanityMethods(Settings settings, IReadOnlyList<string> layers) =>
        string.Equals(settings.Method, "guided-backprop", StringComparison.OrdinalIgnoreCase)
            ? [m => settings.CreateMethod(m, layers)]
            : [m => settings.CreateMethod(m, layers), m => new GuidedBackprop(m)];
}
