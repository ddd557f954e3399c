using SharpCam.Cli.Console;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Onnx;
using SharpCam.Rendering;
using SharpCam.Runs;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cli.Commands;

/// <summary>
/// What explain and failures run on, from the command line: a LeNet checkpoint with MNIST-format test digits, a
/// torchvision classifier with photos (--model/--weights/--images), an ONNX file with photos (--model FILE.onnx), or
/// with --images alone the trained featurizer (<see cref="OnnxPhotoModel.Featurizer"/>); the model, its class names
/// and the item source.
/// </summary>
public sealed class RunInputs : IDisposable
{
    private readonly IDisposable _owned;

    private RunInputs(Module<Tensor, Tensor> model, ClassNames names, RunSource source, ManifestModel summary, string defaultLayer,
                      Func<Module<Tensor, Tensor>>? newModel, ImagePreprocessing? preprocessing, OnnxPhotoModel? onnx, IDisposable owned)
    {
        (Model, Names, Source, Summary, DefaultLayer, NewModel, Preprocessing, Onnx, _owned) =
            (model, names, source, summary, defaultLayer, newModel, preprocessing, onnx, owned);
    }

    public Module<Tensor, Tensor> Model { get; }
    public ClassNames Names { get; }
    public RunSource Source { get; }
    public ManifestModel Summary { get; }
    public string DefaultLayer { get; }
    /// <summary>A fresh instance of the architecture (the sanity check's randomised copy); null for an ONNX model, which has no architecture to rebuild.</summary>
    public Func<Module<Tensor, Tensor>>? NewModel { get; }
    /// <summary>How photos are preprocessed for the model (null for digits).</summary>
    public ImagePreprocessing? Preprocessing { get; }
    /// <summary>The ONNX model (or the trained featurizer) when the run explains one.</summary>
    public OnnxPhotoModel? Onnx { get; }
    public bool HasClassScores => Onnx?.HasClassScores ?? true;
    public OverlayStyle Style => Preprocessing is null ? OverlayStyle.GreyDigit : OverlayStyle.ColourPhoto;
    public int TopK => Preprocessing is null ? 3 : 5;

    /// <summary>Loads the model and lists the items (photos are read later, as the run streams them).</summary>
    /// <param name="indices">--indices, or null for the default: <paramref name="defaultDigits"/> of the test digits, all photos.</param>
    public static RunInputs Load(RunSettings settings, Device device, string? indices, string? defaultDigits, CancellationToken cancellation)
    {
        if (!settings.IsPhotos)
        {
            if (string.IsNullOrWhiteSpace(settings.Checkpoint))
                throw new ArgumentException(RunSettings.CheckpointRequired);   // Validate says so first on the command line
            var model = ModelLoader.LoadMnistModel(settings.Checkpoint, device);
            var test = MnistDataset.Load(settings.ResolveDataFolder(), MnistSplit.Test);
            var chosen = indices ?? defaultDigits;
            var source = RunSource.FromMnist(test, chosen is null ? Enumerable.Range(0, test.Count).ToList() : IndexSelection.Parse(chosen, test.Count))
                .Sharded(settings.ShardSpec);
            var numClasses = test.ClassNames.Count;
            return new RunInputs(model.Module, new ClassNames(test.ClassNames), source,
                model.Summary(numClasses, device) with { WeightsHash = FileHash.Of(settings.Checkpoint) },
                LayerLocator.DefaultLayer(model.Module, LeNet.InputShape, device), () => new LeNet(numClasses).to(device),
                null, null, new Owned(model, test));
        }
        if (settings.Model is null || OnnxModel.IsOnnxPath(settings.Model)) return LoadOnnx(settings, device, indices);
        var spec = ModelZoo.Get(settings.Model!);   // ModelSettings.Validate: --model and --images come together
        var zoo = ProgressBars.Run(p => ZooModel.Load(spec.Name, settings.Weights, settings.NumClasses, progress: p, cancellation: cancellation));
        zoo.Model.to(device).eval();
        var names = ClassNames.For(zoo.NumClasses, settings.Labels);
        var preprocessing = spec.Preprocessing(settings.InputSize, settings.PreprocessingMode);
        var summary = new ManifestModel
        {
            Architecture = spec.Name, Checkpoint = zoo.Weights.Path, NumClasses = zoo.NumClasses,
            InputSize = [preprocessing.Size, preprocessing.Size], Device = device.ToString(),
            Preprocessing = settings.PreprocessingMode.ToString().ToLowerInvariant(), Transform = preprocessing.Description,
            WeightsHash = zoo.Weights.Path is { } weights ? FileHash.Of(weights) : null,
        };
        var classes = zoo.NumClasses;
        return new RunInputs(zoo.Model, names, Photos(settings, preprocessing, names, indices), summary, spec.DefaultLayer,
            () => spec.Create(classes).to(device), preprocessing, null, zoo);
    }

    /// <summary>An ONNX file (--model FILE.onnx [--output NAME]), or with no --model the trained featurizer.</summary>
    private static RunInputs LoadOnnx(RunSettings settings, Device device, string? indices)
    {
        var onnx = settings.Model is null ? OnnxPhotoModel.Featurizer(device)
            : OnnxPhotoModel.Load(settings.Model, settings.Output, settings.InputSize, device);
        try
        {
            if (!onnx.HasClassScores && settings.Labels is not null)
                throw new ArgumentException(onnx.NoClassScores($"--labels {settings.Labels}"));
            var names = onnx.HasClassScores ? ClassNames.For(onnx.NumClasses, settings.Labels) : ClassNames.None;
            return new RunInputs(onnx.Model, names, Photos(settings, onnx.Preprocessing, names, indices), onnx.Summary(), onnx.DefaultLayer,
                null, onnx.Preprocessing, onnx, onnx);
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }

    /// <summary>The photos of --images (a file, a folder, an ImageFolder tree, a glob), --indices of them, this --shard.</summary>
    private static RunSource Photos(RunSettings settings, ImagePreprocessing preprocessing, ClassNames names, string? indices)
    {
        var found = ImageInputs.Expand([settings.Images!]);
        return RunSource.FromImages(found, preprocessing, names, settings.MaxPixels, Path.GetFullPath(settings.Images!),
            indices is null ? null : IndexSelection.Parse(indices, found.Count), settings.Decoding).Sharded(settings.ShardSpec);
    }

    public void Dispose() => _owned.Dispose();

    private sealed class Owned(params IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}
