using SharpCam.Images;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Onnx;

/// <summary>
/// SharpCam's trained photo model: ML.NET's ImageNet-trained ResNet-18 featurizer (NuGet
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, MIT; a CNTK export, opset 8) behind the package's own
/// preprocessing graph (RGB → BGR, minus a per-pixel mean image), both rebuilt from the ONNX files the build copies to
/// <c>models/resnet18-featurizer</c>. Input: RGB pixels on 0–255, [N, 3, 224, 224]; output: 512 features,
/// [N, 512, 1, 1]. It has no class head: explain it with class-free methods (Eigen-CAM) or a concept similarity
/// target (<see cref="Targets.ConceptSimilarityTarget"/>: where in photo A is what makes it look like photo B).
/// </summary>
public static class TrainedFeaturizer
{
    public const string PreprocessFile = "ResNetPreprocess.onnx", ModelFile = "ResNet18.onnx";

    /// <summary>The submodule names of <see cref="Load"/>'s result: the preprocessing graph, then the network.</summary>
    public const string PreprocessName = "preprocess", NetworkName = "resnet18";

    /// <summary>The last block's output (ReLU of stage 4, [512, 7, 7]): what <see cref="Layers.LayerLocator.DefaultLayer"/> picks.</summary>
    public const string DefaultLayer = NetworkName + ".ReLU393";

    /// <summary>Where the build puts the package's files (beside the assemblies).</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "models", "resnet18-featurizer");

    /// <summary>
    /// Resize to 224×224 and keep pixels on 0–255 (mean 0, std 1/255), which is what the preprocessing graph expects.
    /// </summary>
    public static ImagePreprocessing Preprocessing { get; } = new(224, [0f, 0f, 0f], [1 / 255f, 1 / 255f, 1 / 255f]);

    /// <summary>The preprocessing graph and the featurizer as one module, in eval mode.</summary>
    public static Module<Tensor, Tensor> Load(string? folder = null)
    {
        folder ??= Folder;
        foreach (var file in new[] { PreprocessFile, ModelFile })
            if (!File.Exists(Path.Combine(folder, file)))
                throw new FileNotFoundException($"The trained featurizer's {file} is not in {folder}; the build copies it there " +
                                                "from the Microsoft.ML.DnnImageFeaturizer.ResNet18 package (rebuild SharpCam).");
        var preprocess = OnnxModel.Load(Path.Combine(folder, PreprocessFile));
        try
        {
            var network = OnnxModel.Load(Path.Combine(folder, ModelFile));
            var model = Sequential((PreprocessName, (Module<Tensor, Tensor>)preprocess), (NetworkName, network));
            model.eval();
            return model;
        }
        catch
        {
            preprocess.Dispose();
            throw;
        }
    }
}
