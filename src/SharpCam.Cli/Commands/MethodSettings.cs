using SharpCam.Layers;
using System.ComponentModel;
using SharpCam.Cam;
using Spectre.Console.Cli;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cli.Commands;

/// <summary>Options that choose and tune the CAM method; shared by explain and failures.</summary>
public class MethodSettings : DataSettings
{
    [CommandOption("--method <NAME>")]
    [Description("CAM method (see `sharpcam methods`): gradcam (default; eigencam for a model without class scores), hirescam, gradcam++, xgradcam, layercam, eigencam, scorecam, ablationcam, fullgrad, guided-gradcam, …")]
    public string? Method { get; init; }

    public const string DefaultMethod = CamMethods.DefaultMethod;

    [CommandOption("--layer <NAMES>")]
    [Description("Target layer by dotted name, or several separated by commas (maps fused as pytorch-grad-cam does). Default: the model's.")]
    public string? Layer { get; init; }

    [CommandOption("--normalization <MODE>")]
    [Description("divide-by-max (the notebook's, default) or min-max (pytorch-grad-cam's).")]
    [DefaultValue(MapNormalizationNames.DivideByMax)]
    public string Normalization { get; init; } = MapNormalizationNames.DivideByMax;

    [CommandOption("--aug-smooth")] [Description("Average over horizontal flip × brightness 0.9/1.0/1.1 (pytorch-grad-cam's aug_smooth).")]
    public bool AugSmooth { get; init; }

    [CommandOption("--eigen-smooth")] [Description("Use the first principal component of the weighted activations (eigen_smooth).")]
    public bool EigenSmooth { get; init; }

    [CommandOption("--top-channels <K>")] [Description("Score-CAM: only the K channels of largest mean activation (Faster Score-CAM).")]
    public int? TopChannels { get; init; }

    [CommandOption("--cam-batch-size <N>")] [Description("Masked or ablated copies per forward for Score-CAM and Ablation-CAM (default 32).")]
    [DefaultValue(32)]
    public int CamBatchSize { get; init; } = 32;

    public override Spectre.Console.ValidationResult Validate()
    {
        var error = base.Validate();
        if (!error.Successful) return error;
        if (Method is not null && !CamMethods.All.Any(m => m.Name.Equals(Method, StringComparison.OrdinalIgnoreCase)))
            return Spectre.Console.ValidationResult.Error(
                $"--method {Method}: no such method. Methods: {string.Join(", ", CamMethods.All.Select(m => m.Name))}.");
        if (Layer is not null && !CamMethods.Find(Method ?? DefaultMethod).UsesTargetLayers)
            return Spectre.Console.ValidationResult.Error($"--method {Method} uses no target layer; leave out --layer.");
        if (MapNormalizationNames.Parse(Normalization) is null)
            return Spectre.Console.ValidationResult.Error($"--normalization {Normalization}: use divide-by-max or min-max.");
        if (CamBatchSize < 1) return Spectre.Console.ValidationResult.Error("--cam-batch-size must be at least 1.");
        if (TopChannels is < 1) return Spectre.Console.ValidationResult.Error("--top-channels must be at least 1.");
        return Spectre.Console.ValidationResult.Success();
    }

    /// <summary>The target layers: --layer split at commas, else the model's default.</summary>
    public IReadOnlyList<string> LayersOr(string defaultLayer) =>
        Layer is not null && LayerNames.Split(Layer) is { Count: > 0 } names ? names : [defaultLayer];

    /// <summary>The method of --method, else <paramref name="defaultMethod"/>, with the tuning options.</summary>
    public CamMethod CreateMethod(Module<Tensor, Tensor> model, IReadOnlyList<string> layers, string defaultMethod = DefaultMethod) =>
        CamMethods.Create(Method ?? defaultMethod, model, layers, new CamOptions
        {
            Normalization = MapNormalizationNames.Parse(Normalization)!.Value,   // validated
            AugSmooth = AugSmooth, EigenSmooth = EigenSmooth, TopChannels = TopChannels, BatchSize = CamBatchSize,
        });
}
