using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Layers;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Onnx;

/// <summary>
/// An ONNX photo model ready to explain: the rebuilt module on its device, the preprocessing its graph asks for (the
/// fixed input size it declares, or the one given), whether it has class scores, its default target layer and the
/// manifest's description of it (with the file's hash, so shards of one run must have used the same model). Two kinds:
/// any ONNX file (<see cref="Load"/>: ImageNet's mean and std, the graph's input channels) and SharpCam's trained
/// featurizer (<see cref="Featurizer"/>: its own preprocessing graph on 0–255 pixels). Disposing it releases the module.
/// </summary>
public sealed class OnnxPhotoModel : IDisposable
{
    /// <summary>The manifest's architecture name of <see cref="Featurizer"/>; any other ONNX file is "onnx".</summary>
    public const string FeaturizerArchitecture = "resnet18-featurizer", OnnxArchitecture = "onnx";

    /// <param name="known">The class count and default layer when known up front (the featurizer's), sparing two probe forwards.</param>
    private OnnxPhotoModel(Module<Tensor, Tensor> model, string architecture, string file, string weightsHash,
                           ImagePreprocessing preprocessing, Device device, (int NumClasses, string DefaultLayer)? known = null)
    {
        (Model, Architecture, File, WeightsHash, Preprocessing, Device) = (model, architecture, file, weightsHash, preprocessing, device);
        InputShape = [1, preprocessing.Channels, preprocessing.Size, preprocessing.Size];
        if (known is { } k)
        {
            (NumClasses, DefaultLayer) = k;
            return;
        }
        using (NewDisposeScope())
        using (no_grad())
        {
            var output = model.call(zeros(InputShape, device: device));   // also proves the graph runs before a run starts
            NumClasses = output.dim() == 2 ? (int)output.shape[1] : 0;
        }
        DefaultLayer = LayerLocator.DefaultLayer(model, InputShape, device);
    }

    /// <summary>The module (NCHW input, preprocessed as <see cref="Preprocessing"/>), in eval mode on <see cref="Device"/>.</summary>
    public Module<Tensor, Tensor> Model { get; }

    /// <summary><see cref="FeaturizerArchitecture"/> or <see cref="OnnxArchitecture"/>.</summary>
    public string Architecture { get; }

    /// <summary>The ONNX file (the featurizer's network file) as a full path.</summary>
    public string File { get; }

    /// <summary>"xxh128:…" of every file read: the graph(s) and their external data.</summary>
    public string WeightsHash { get; }

    public ImagePreprocessing Preprocessing { get; }
    public Device Device { get; }

    /// <summary>[1, C, H, W] of one preprocessed photo.</summary>
    public long[] InputShape { get; }

    /// <summary>Classes of an output [N, K]; 0 when the output is not class scores (a featurizer's [N, 512, 1, 1]).</summary>
    public int NumClasses { get; }

    /// <summary>
    /// Whether the output is class scores. Without them the model predicts nothing: explain it with a class-free method
    /// (Eigen-CAM) or a similarity target (<see cref="ConceptSimilarityTarget.FromReferencePhoto"/>); class targets, failure analysis, faithfulness metrics and
    /// the sanity check need class scores.
    /// </summary>
    public bool HasClassScores => NumClasses > 0;

    /// <summary>The automatic target layer (<see cref="LayerLocator.DefaultLayer"/>).</summary>
    public string DefaultLayer { get; }

    /// <summary>
    /// Loads <paramref name="path"/> (<see cref="OnnxModel.Load"/>; <paramref name="output"/> picks a graph output).
    /// The input size is the graph's fixed one; <paramref name="inputSize"/> sets it where the graph leaves it open
    /// (default 224) and is refused when it contradicts a fixed one.
    /// </summary>
    public static OnnxPhotoModel Load(string path, string? output = null, int? inputSize = null, Device? device = null)
    {
        device ??= CPU;
        var onnx = OnnxModel.Load(path, output);
        try
        {
            var (h, w) = onnx.InputSize;
            if (h is not null && w is not null && h != w)
                throw new OnnxFormatException($"ONNX model {path} takes {h}×{w} images; SharpCam's preprocessing makes square ones.");
            if (inputSize is { } size && (h ?? w) is { } fixedSize && size != fixedSize)
                throw new ArgumentException($"{path} takes {fixedSize}×{fixedSize} images only, not {size}×{size}; leave the input size out.", "InputSize");
            var side = (int)(h ?? w ?? inputSize ?? 224);
            var imageNet = ImagePreprocessing.ImageNet;
            var preprocessing = onnx.InputChannels == 1
                ? new ImagePreprocessing(side, [imageNet.Mean[0]], [imageNet.Std[0]])
                : imageNet with { Size = side };
            onnx.to(device).eval();
            return new OnnxPhotoModel(onnx, OnnxArchitecture, Path.GetFullPath(path), FileHash.Of([.. onnx.Files]), preprocessing, device);
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }

    /// <summary>SharpCam's trained ResNet-18 featurizer (<see cref="TrainedFeaturizer"/>), from <paramref name="folder"/> (default: beside the assemblies).</summary>
    public static OnnxPhotoModel Featurizer(Device? device = null, string? folder = null)
    {
        device ??= CPU;
        folder ??= TrainedFeaturizer.Folder;
        var model = TrainedFeaturizer.Load(folder);
        try
        {
            model.to(device).eval();
            var (preprocess, network) = (Path.Combine(folder, TrainedFeaturizer.PreprocessFile), Path.Combine(folder, TrainedFeaturizer.ModelFile));
            return new OnnxPhotoModel(model, FeaturizerArchitecture, Path.GetFullPath(network), FileHash.Of(preprocess, network),
                TrainedFeaturizer.Preprocessing, device, (0, TrainedFeaturizer.DefaultLayer));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The manifest's model section: what a run used, with the hash <c>merge</c> compares.</summary>
    public ManifestModel Summary() => new()
    {
        Architecture = Architecture, Checkpoint = File, NumClasses = NumClasses, InputSize = [Preprocessing.Size, Preprocessing.Size],
        Device = Device.ToString(), WeightsHash = WeightsHash,
    };

    /// <summary>The one-line refusal for something that needs class scores, naming what to do instead.</summary>
    public string NoClassScores(string asked) =>
        $"{asked}: {(Architecture == FeaturizerArchitecture ? "the trained featurizer" : Path.GetFileName(File))} has no class scores " +
        "(its output is features). Explain it with Eigen-CAM (no class needed) or a similarity target (a reference photo).";

    public void Dispose() => Model.Dispose();
}
