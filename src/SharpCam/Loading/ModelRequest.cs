using SharpCam.Explanation;
using SharpCam.Models;
using SharpCam.Onnx;

namespace SharpCam.Loading;

/// <summary>
/// What a caller names as the model to run, one case per kind; <see cref="RunnableModel.Load"/> turns it into a model
/// with its preprocessing, class names, default layer and manifest section.
/// </summary>
public abstract record ModelRequest
{
    private ModelRequest() { }

    /// <summary>The notebook's LeNet from a checkpoint in any supported format, on digits named <paramref name="ClassNames"/>.</summary>
    public sealed record LeNetCheckpoint(string Path, IReadOnlyList<string> ClassNames) : ModelRequest;

    /// <summary>
    /// A torchvision classifier of the zoo: its name; weights file (null: the pretrained ones); class count and label
    /// file; input size (null: the architecture's) and input transform (the notebook's, or the published weights').
    /// </summary>
    public sealed record Zoo(string Name, string? Weights = null, int? NumClasses = null, string? LabelsFile = null,
                             int? InputSize = null, PreprocessingMode Preprocessing = PreprocessingMode.Notebook) : ModelRequest;

    /// <summary>An ONNX file; <paramref name="Output"/> picks the graph output that gives the scores (null: the only one).</summary>
    public sealed record OnnxFile(string Path, string? Output = null, int? InputSize = null, string? LabelsFile = null) : ModelRequest;

    /// <summary>The bundled trained featurizer (ML.NET's ResNet-18, no class scores).</summary>
    public sealed record Featurizer(string? LabelsFile = null) : ModelRequest;

    /// <summary>
    /// The model a run folder's manifest section names, paths resolved against <paramref name="runDir"/>; class names
    /// from the manifest, else indices.
    /// </summary>
    public static ModelRequest FromManifest(ManifestModel model, IReadOnlyList<string> classNames, string runDir)
    {
        var checkpoint = model.Checkpoint is null ? null : System.IO.Path.GetFullPath(model.Checkpoint, runDir);
        var manifestFile = System.IO.Path.Combine(runDir, RunManifest.FileName);
        if (checkpoint is not null && !File.Exists(checkpoint))
            throw new FileNotFoundException($"{checkpoint}: the model file named by {manifestFile} is not there. " +
                                            "Put it back, or re-run the command that wrote this folder.", checkpoint);
        int? numClasses = model.NumClasses > 0 ? model.NumClasses : null;
        return model.Architecture switch
        {
            OnnxPhotoModel.FeaturizerArchitecture => new Featurizer(),
            OnnxPhotoModel.OnnxArchitecture => new OnnxFile(checkpoint ?? throw NoCheckpoint(manifestFile), InputSize: model.InputSize is [var s, ..] ? s : null),
            Models.LeNet.Architecture => new LeNetCheckpoint(checkpoint ?? throw NoCheckpoint(manifestFile),
                classNames.Count > 0 ? classNames : Enumerable.Range(0, numClasses ?? 10).Select(i => i.ToString()).ToList()),
            var name => new Zoo(name, checkpoint, numClasses, InputSize: model.InputSize is [var side, ..] ? side : null,
                Preprocessing: Enum.TryParse<PreprocessingMode>(model.Preprocessing, ignoreCase: true, out var mode) ? mode : PreprocessingMode.Notebook),
        };
    }

    private static InvalidDataException NoCheckpoint(string manifestFile) =>
        new($"{manifestFile}: the model section names no checkpoint; re-run the command that wrote this folder.");
}
