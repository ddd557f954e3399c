using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Runs;
using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Onnx;
using SharpCam.Rendering;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Server;

/// <summary>
/// A run folder opened for serving: the one place that reads its manifest (<see cref="RunManifest"/>), loads the model
/// it names and finds each item's picture. Everything else in the server sees only this class's flat view, so a change
/// of the manifest schema is fixed here.
/// </summary>
public sealed class ServedRun : IDisposable
{
    private readonly IDisposable _modelOwner;
    private readonly Dictionary<string, ManifestItem> _manifestItems;
    private readonly Dictionary<string, MnistDataset> _digitSets = new(StringComparer.Ordinal);
    private readonly Lock _digitLock = new();

    private ServedRun(string runDir, RunManifest manifest, Module<Tensor, Tensor> model, IDisposable owner, ModelSpec spec, Device device)
    {
        RunDir = runDir;
        Device = device;
        Model = model;
        _modelOwner = owner;
        Architecture = spec.Name;
        IsDigits = spec.InputChannels == 1;
        Preprocessing = spec.Preprocessing(manifest.Model.InputSize is [var side, ..] && side != spec.InputSize ? side : null,
            manifest.Model.Preprocessing == "weights" ? PreprocessingMode.Weights : PreprocessingMode.Notebook);
        InputShape = spec.InputShape(size: Preprocessing.Size);
        var numClasses = manifest.Model.NumClasses > 0 ? manifest.Model.NumClasses : spec.DefaultNumClasses;
        Names = manifest.ClassNames.Count > 0 ? new ClassNames(manifest.ClassNames) : ClassNames.Indices(numClasses);
        Kind = manifest.Kind == RunKind.Failures ? "failures" : manifest.Failures is null ? "explain" : "explain+failures";
        Method = manifest.Method ?? "gradcam";
        Normalization = manifest.Normalization ?? "divide-by-max";
        Accuracy = manifest.Evaluation?.TestAcc;
        EvaluatedCount = manifest.Evaluation?.N;
        Layers = LayerLocator.List(model, InputShape, device);
        DefaultLayer = manifest.Layer is { } layer && layer.Split('+').All(l => Layers.Any(x => x.Name == l))
            ? layer : LayerLocator.DefaultLayer(model, InputShape, device);

        // explain items first, then the failures a demo run adds; an id explained twice is listed once.
        var all = manifest.Items.Concat(manifest.Failures?.Items ?? []).DistinctBy(i => i.Id).ToList();
        _manifestItems = all.ToDictionary(i => i.Id, StringComparer.Ordinal);
        Items = all.Select((item, position) => Flatten(item, position)).ToList();
    }

    public string RunDir { get; }
    public Device Device { get; }
    public Module<Tensor, Tensor> Model { get; }
    public string Architecture { get; }
    /// <summary>LeNet on grey digits (shown as they are, overlays as heatmap × image) rather than a classifier on photos.</summary>
    public bool IsDigits { get; }
    public ImagePreprocessing Preprocessing { get; }
    /// <summary>[1, C, H, W] of one model input.</summary>
    public long[] InputShape { get; }
    public ClassNames Names { get; }
    /// <summary>"explain", "failures", or "explain+failures" (the demo).</summary>
    public string Kind { get; }
    /// <summary>The run's method and normalisation, the page's starting choices.</summary>
    public string Method { get; }
    public string Normalization { get; }
    /// <summary>The run's target layer(s), '+'-joined, when they exist in the model; else the model's default.</summary>
    public string DefaultLayer { get; }
    public double? Accuracy { get; }
    public long? EvaluatedCount { get; }
    public IReadOnlyList<LayerInfo> Layers { get; }
    public IReadOnlyList<RunItem> Items { get; }

    /// <summary>Opens <paramref name="runDir"/>: reads its manifest and loads the model it names (errors name the file and the fix).</summary>
    public static ServedRun Open(string runDir, Device device)
    {
        var manifest = RunManifest.Load(runDir);
        var described = manifest.Model;
        var checkpoint = described.Checkpoint is null ? null : Path.GetFullPath(described.Checkpoint, runDir);
        if (checkpoint is not null && !File.Exists(checkpoint))
            throw new FileNotFoundException($"{checkpoint}: the model file named by {Path.Combine(runDir, RunManifest.FileName)} is not there. " +
                                            "Put it back, or re-run the command that wrote this folder.", checkpoint);
        if (described.Architecture is OnnxPhotoModel.OnnxArchitecture or OnnxPhotoModel.FeaturizerArchitecture)
            throw new NotSupportedException($"{runDir} is a run of an ONNX model ({described.Architecture}); serve opens runs of LeNet and the " +
                                            $"torchvision zoo only. Its report: `sharpcam report {runDir}`.");
        if (described.Architecture == "lenet")
        {
            if (checkpoint is null)
                throw new InvalidDataException($"{Path.Combine(runDir, RunManifest.FileName)}: the model section names no checkpoint; re-run the command that wrote this folder.");
            var lenet = ModelLoader.LoadMnistModel(checkpoint, device);
            return new ServedRun(runDir, manifest, lenet.Module, lenet, ModelZoo.Get("lenet"), device);
        }
        var zoo = ZooModel.Load(described.Architecture, checkpoint, described.NumClasses > 0 ? described.NumClasses : null);
        zoo.Model.to(device).eval();
        return new ServedRun(runDir, manifest, zoo.Model, zoo, zoo.Spec, device);
    }

    public bool HasItem(string id) => _manifestItems.ContainsKey(id);

    /// <summary>The picture of item <paramref name="id"/>, read from the data the run was made from.</summary>
    public Subject LoadItem(string id, int displaySide)
    {
        if (!_manifestItems.TryGetValue(id, out var item)) throw new UnknownIdException("item", id);
        var source = item.Source is null ? null : Path.GetFullPath(item.Source, RunDir);
        if (source is null || !File.Exists(source))
            throw new RequestRefusedException(410, $"The picture of {id} ({item.Source ?? "no source recorded"}) is no longer where the run read it; " +
                                                   "put the data back to re-explain this item.");
        using var scope = NewDisposeScope();
        var input = IsDigits ? DigitInput(source, item) : First(RunSource.FromImages([new ImageInput(source, null)], Preprocessing, Names, ImageLimits.DefaultMaxPixels));
        var (values, shape) = Subject.Copy(input.ModelInput);
        return new Subject(id, id, values, shape, DisplayImages.Fit(input.Display!, displaySide), item.TrueLabel);
    }

    private ExplainInput DigitInput(string imagesFile, ManifestItem item)
    {
        var split = Path.GetFileName(imagesFile).StartsWith(MnistFiles.ImagesName(MnistSplit.Test), StringComparison.Ordinal) ? MnistSplit.Test : MnistSplit.Train;
        MnistDataset digits;
        lock (_digitLock)
            if (!_digitSets.TryGetValue(imagesFile, out digits!))
                _digitSets[imagesFile] = digits = MnistDataset.Load(Path.GetDirectoryName(imagesFile)!, split);
        var index = item.Index is { } i && i >= 0 && i < digits.Count ? (int)i
            : throw new RequestRefusedException(410, $"{item.Id}: index {item.Index} is not in {imagesFile} ({digits.Count} images).");
        return First(RunSource.FromMnist(digits, [index]));
    }

    /// <summary>The one item of a source, read with the picture people see (the run pipeline's reader, so items read as the run read them).</summary>
    private static ExplainInput First(RunSource source) => source.Items().ToBlockingEnumerable().First().Load(true);

    private RunItem Flatten(ManifestItem item, int position)
    {
        var confidence = item.Confidence
                         ?? (item.Probabilities is { } p && item.PredictedLabel < p.Count ? p[item.PredictedLabel] : (double?)null)
                         ?? item.TopK?.FirstOrDefault(t => t.ClassIndex == item.PredictedLabel)?.Probability ?? 0;
        var topK = item.TopK?.Select(t => new ClassScore(t.ClassIndex, t.Name ?? Names.NameOf(t.ClassIndex), t.Probability)).ToList() ?? [];
        return new RunItem(item.Id, position, item.TrueLabel, item.TrueName ?? (item.TrueLabel is { } t ? Names.NameOf(t) : null),
                           item.PredictedLabel, item.PredictedName ?? Names.NameOf(item.PredictedLabel), confidence, topK);
    }

    public void Dispose()
    {
        _modelOwner.Dispose();
        lock (_digitLock)
            foreach (var set in _digitSets.Values) set.Dispose();
    }
}
