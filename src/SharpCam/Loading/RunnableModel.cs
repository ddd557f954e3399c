using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Models;
using SharpCam.Onnx;
using SharpCam.Rendering;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Loading;

/// <summary>
/// A model ready for a run, from what the caller named (<see cref="ModelRequest"/>): the module in eval mode on its
/// device, its preprocessing, class names, default target layer, the manifest's model section (with the weights hash
/// <c>merge</c> compares) and the rules of what it can do. The CLI, the explorer server and the demo all load here.
/// </summary>
public sealed class RunnableModel : IDisposable
{
    private readonly IDisposable _owner;

    private RunnableModel(Module<Tensor, Tensor> model, IDisposable owner, ClassNames names, ImagePreprocessing preprocessing,
                          long[] inputShape, string defaultLayer, ManifestModel summary, Func<Module<Tensor, Tensor>>? newModel,
                          bool isDigits, string displayName, bool hasClassScores = true)
    {
        (Model, _owner, Names, Preprocessing, InputShape, DefaultLayer, Summary, NewModel, IsDigits, DisplayName, HasClassScores) =
            (model, owner, names, preprocessing, inputShape, defaultLayer, summary, newModel, isDigits, displayName, hasClassScores);
    }

    public Module<Tensor, Tensor> Model { get; }
    public ClassNames Names { get; }
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>[1, C, H, W] of one model input.</summary>
    public long[] InputShape { get; }
    public string DefaultLayer { get; }

    /// <summary>The manifest's model section: architecture, weights file and hash, class count, input size, device.</summary>
    public ManifestModel Summary { get; }

    /// <summary>A fresh instance of the architecture (the sanity check's randomised copy); null for an ONNX model, which has no architecture to rebuild.</summary>
    public Func<Module<Tensor, Tensor>>? NewModel { get; }

    /// <summary>LeNet on grey digits rather than a classifier on photos.</summary>
    public bool IsDigits { get; }

    /// <summary>The model as a person knows it, for messages ("the trained featurizer", a file name, "resnet18").</summary>
    public string DisplayName { get; }

    /// <summary>False for a featurizer or feature extractor: its output is features, [N, D, 1, 1], not one score per class.</summary>
    public bool HasClassScores { get; }
    public OverlayStyle Style => IsDigits ? OverlayStyle.GreyDigit : OverlayStyle.ColourPhoto;

    /// <summary>How many classes each item lists: 3 of 10 digits, 5 of a photo classifier's.</summary>
    public int TopK => IsDigits ? 3 : 5;

    /// <summary>The method a run uses unless told otherwise: Grad-CAM, or Eigen-CAM (no target) for a model without class scores.</summary>
    public string DefaultMethod(bool similarityTarget) =>
        HasClassScores || similarityTarget ? CamMethods.DefaultMethod : "eigencam";

    /// <summary>Fails, before anything is written, when <paramref name="parameter"/> needs class scores this model lacks.</summary>
    public void RequireClassScores(string parameter, string? value = null)
    {
        if (!HasClassScores) throw new NoClassScoresException(parameter, value, DisplayName);
    }

    /// <summary>
    /// The rules of an explain run, checked before anything is written: a model without class scores explains no class
    /// (<paramref name="classTarget"/>: the class asked for, null for the predicted one), measures no faithfulness and
    /// takes no sanity check, and its method must need no target unless a similarity target is given; the sanity check
    /// needs an architecture to re-initialise.
    /// </summary>
    public void CheckExplainRun(CamMethod method, string? classTarget, bool similarityTarget, bool metrics, bool sanity)
    {
        if (classTarget is not null) RequireClassScores("Target", classTarget);
        if (metrics) RequireClassScores("Metrics");
        if (sanity) RequireClassScores("Sanity");
        if (sanity && NewModel is null)
            throw new InvalidRequestException("Sanity", null,
                "the sanity check re-initialises the architecture, which SharpCam can do for zoo models, not for an ONNX file; leave the sanity check out.");
        if (!similarityTarget && method.NeedsTarget) RequireClassScores("Method", $"{method.Name} (it explains a class)");
    }

    /// <summary>Failure analysis needs a classifier: a model without class scores makes no mistakes to analyse.</summary>
    public void CheckFailuresRun() => RequireClassScores("FailureAnalysis");

    /// <summary>The sanity check's methods: the chosen one, beside Guided Backprop (the known case whose maps survive randomisation) unless it is that.</summary>
    public static IReadOnlyList<Func<Module<Tensor, Tensor>, CamMethod>> SanityMethods(string method, Func<Module<Tensor, Tensor>, CamMethod> create) =>
        CamMethods.Find(method).Name == "guided-backprop" ? [create] : [create, m => new GuidedBackprop(m)];

    /// <summary>Loads what <paramref name="request"/> names onto <paramref name="device"/>; the zoo may download pretrained weights.</summary>
    public static RunnableModel Load(ModelRequest request, Device device, IProgress<ProgressUpdate>? progress = null,
                                     CancellationToken cancellation = default) => request switch
    {
        ModelRequest.LeNetCheckpoint lenet => LoadLeNet(lenet, device),
        ModelRequest.Zoo zoo => LoadZoo(zoo, device, progress, cancellation),
        ModelRequest.OnnxFile file => LoadOnnx(OnnxPhotoModel.Load(file.Path, file.Output, file.InputSize, device), file.LabelsFile),
        ModelRequest.Featurizer featurizer => LoadOnnx(OnnxPhotoModel.Featurizer(device), featurizer.LabelsFile),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request, null),
    };

    private static RunnableModel LoadLeNet(ModelRequest.LeNetCheckpoint request, Device device)
    {
        var lenet = ModelLoader.LoadLeNet(request.Path, device);
        var numClasses = request.ClassNames.Count;
        var spec = ModelZoo.Get(LeNet.Architecture);
        var summary = new ManifestModel
        {
            Architecture = LeNet.Architecture, Checkpoint = Path.GetFullPath(request.Path), NumClasses = numClasses,
            InputSize = [28, 28], Device = device.ToString(), WeightsHash = FileHash.Of(request.Path),
        };
        return new RunnableModel(lenet.Module, lenet, new ClassNames(request.ClassNames), spec.Preprocessing(), LeNet.InputShape,
            LeNet.DefaultTargetLayer, summary, () => new LeNet(numClasses).to(device), isDigits: true, LeNet.Architecture);
    }

    private static RunnableModel LoadZoo(ModelRequest.Zoo request, Device device, IProgress<ProgressUpdate>? progress, CancellationToken cancellation)
    {
        var spec = ModelZoo.Get(request.Name);
        var preprocessing = spec.Preprocessing(request.InputSize is { } size && size != spec.InputSize ? size : null, request.Preprocessing);
        var zoo = ZooModel.Load(spec.Name, request.Weights, request.NumClasses, progress: progress, cancellation: cancellation);
        try
        {
            zoo.Model.to(device).eval();
            var names = ClassNames.For(zoo.NumClasses, request.LabelsFile);
            var summary = new ManifestModel
            {
                Architecture = spec.Name, Checkpoint = zoo.Weights.Path, NumClasses = zoo.NumClasses,
                InputSize = [preprocessing.Size, preprocessing.Size], Device = device.ToString(),
                Preprocessing = request.Preprocessing.ToString().ToLowerInvariant(), Transform = preprocessing.Description,
                WeightsHash = zoo.Weights.Path is { } weights ? FileHash.Of(weights) : null,
            };
            var classes = zoo.NumClasses;
            return new RunnableModel(zoo.Model, zoo, names, preprocessing, spec.InputShape(size: preprocessing.Size), spec.DefaultLayer,
                summary, () => spec.Create(classes).to(device), isDigits: spec.InputChannels == 1, spec.Name);
        }
        catch
        {
            zoo.Dispose();
            throw;
        }
    }

    private static RunnableModel LoadOnnx(OnnxPhotoModel onnx, string? labelsFile)
    {
        try
        {
            var name = onnx.Architecture == OnnxPhotoModel.FeaturizerArchitecture ? "the trained featurizer" : Path.GetFileName(onnx.File);
            if (!onnx.HasClassScores && labelsFile is not null) throw new NoClassScoresException("LabelsFile", labelsFile, name);
            var names = onnx.HasClassScores ? ClassNames.For(onnx.NumClasses, labelsFile) : ClassNames.None;
            return new RunnableModel(onnx.Model, onnx, names, onnx.Preprocessing, onnx.InputShape, onnx.DefaultLayer, onnx.Summary(),
                null, isDigits: false, name, onnx.HasClassScores);
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }

    public void Dispose() => _owner.Dispose();
}
