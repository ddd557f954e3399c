using SharpCam.Rendering;
using System.ComponentModel;
using SharpCam.Cam;
using SharpCam.Cli.Terminal;
using SharpCam.Explanation;
using SharpCam.Loading;
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
        var result = ProgressBars.Run(p => run.Run(inputs.Source, settings.Out, inputs.Model.Summary, settings.Resume, settings.Inputs, p, interruption.Token));
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
        var model = inputs.Model;
        var layers = settings.LayersOr(model.DefaultLayer);
        if (settings.Like is not null && !settings.Class.Equals("pred", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--like {settings.Like} explains similarity to that photo, not a class; leave out --class {settings.Class}.");
        var similarity = settings.Like is not null;
        var method = settings.CreateMethod(model.Model, layers, model.DefaultMethod(similarity));
        model.CheckExplainRun(method, settings.Class.Equals("pred", StringComparison.OrdinalIgnoreCase) ? null : settings.Class,
                              similarity, settings.Metrics, settings.Sanity);
        if (!model.HasClassScores && settings.Method is null && !similarity)
            AnsiConsole.MarkupLine("The model has no class scores: explaining with Eigen-CAM (or give --like FILE).");
        var concept = similarity ? ConceptSimilarityTarget.FromReferencePhoto(model.Model, model.Preprocessing, settings.Like!, device) : null;
        return new DataSetRun(method, model.Names, new RunOptions
        {
            Kind = RunKind.Explain, Target = TargetRule.Parse(settings.Class, model.Names), Concept = concept, BatchSize = settings.BatchSize,
            TopK = model.TopK, Style = model.Style, Device = device, Figures = settings.FigureMode, Strict = settings.Strict,
            Metrics = settings.Metrics,
            Sanity = settings.Sanity
                ? new SanityRequest(model.NewModel!, RunnableModel.SanityMethods(method.Name, m => settings.CreateMethod(m, layers)))
                : null,
        });
    }
}
