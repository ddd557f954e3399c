using SharpCam.Data;
using SharpCam.Rendering;

namespace SharpCam.Explanation;

/// <summary>Builds <see cref="ExplainInput"/>s from data sets.</summary>
public static class ExplainInputs
{
    /// <summary>Chosen images of an MNIST-format split; ids like "test-0003" carry the split and the index in the file.</summary>
    public static IReadOnlyList<ExplainInput> FromMnist(MnistDataset data, IReadOnlyList<int> indices)
    {
        var split = data.Split == MnistSplit.Test ? "test" : "train";
        return indices.Select(i =>
        {
            var image = data.Images[i];
            var sourceIndex = data.SourceIndices[i];
            return new ExplainInput($"{split}-{sourceIndex:D4}", data.ImagesPath, sourceIndex, image,
                TensorImages.ToRgbImage(image), (int)data.Labels[i].item<long>());
        }).ToList();
    }
}
