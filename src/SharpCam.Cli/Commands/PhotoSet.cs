using SharpCam.Cli.Console;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Cli.Commands;

/// <summary>A torchvision classifier with its class names and the photos to run it on, from --model/--weights/--images.</summary>
public sealed class PhotoSet : IDisposable
{
    private readonly ModelSettings _settings;

    private PhotoSet(ModelSettings settings, ZooModel model, ClassNames names, ImagePreprocessing preprocessing, IReadOnlyList<ExplainInput> inputs)
    {
        (_settings, Model, Names, Preprocessing, Inputs) = (settings, model, names, preprocessing, inputs);
    }

    public ModelSpec Spec => Model.Spec;
    public ZooModel Model { get; }
    public ClassNames Names { get; }
    public ImagePreprocessing Preprocessing { get; }
    public IReadOnlyList<ExplainInput> Inputs { get; }

    /// <summary>Loads (or downloads) the weights and reads the photos; the input tensors live in the caller's dispose scope.</summary>
    public static PhotoSet Load(ModelSettings settings, Device device, CancellationToken cancellation)
    {
        var spec = ModelZoo.Get(settings.Model!);   // ModelSettings.Validate: --model and --images come together
        var zoo = ProgressBars.Run(p => ZooModel.Load(spec.Name, settings.Weights, settings.NumClasses, progress: p, cancellation: cancellation));
        zoo.Model.to(device).eval();
        var names = ClassNames.For(zoo.NumClasses, settings.Labels);
        var preprocessing = spec.Preprocessing(settings.InputSize);
        var found = ImageInputs.Expand([settings.Images!]);
        var inputs = ProgressBars.Run(p => ExplainInputs.FromImages(found, preprocessing, names, p));
        return new PhotoSet(settings, zoo, names, preprocessing, inputs);
    }

    public ManifestModel ModelSummary(Device device) => new()
    {
        Architecture = Spec.Name, Checkpoint = Model.Weights.Path, NumClasses = Model.NumClasses,
        InputSize = [Preprocessing.Size, Preprocessing.Size], Device = device.ToString(),
    };

    public ManifestData DataSummary() => new() { Source = Path.GetFullPath(_settings.Images!), Count = Inputs.Count };

    public void Dispose() => Model.Dispose();
}
