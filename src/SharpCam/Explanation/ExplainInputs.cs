using SharpCam.Data;
using SharpCam.Images;
using SharpCam.Labels;

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

    /// <summary>
    /// Photos, preprocessed for the model; the picture shown is the photo as read (the overlay is laid over it at full
    /// size, as the notebook does). Ids are the running number and the file name ("0003-chelsea"); an ImageFolder
    /// class folder that names a class becomes the true label.
    /// </summary>
    public static IReadOnlyList<ExplainInput> FromImages(IReadOnlyList<ImageInput> images, ImagePreprocessing preprocessing,
                                                         ClassNames names, IProgress<ProgressUpdate>? progress = null)
    {
        var inputs = new List<ExplainInput>(images.Count);
        foreach (var image in images)
        {
            var photo = ImageFile.Read(image.Path);
            var id = $"{inputs.Count:D4}-{SafeName(Path.GetFileNameWithoutExtension(image.Path))}";
            var label = image.FolderLabel is null ? null : names.MatchFolder(image.FolderLabel);
            inputs.Add(new ExplainInput(id, Path.GetFullPath(image.Path), null, preprocessing.ToTensor(photo), photo, label));
            progress?.Report(new ProgressUpdate("read images", inputs.Count, images.Count));
        }
        return inputs;
    }

    /// <summary>File names become parts of output file names: keep letters, digits, '-' and '_'.</summary>
    private static string SafeName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return safe.Length > 40 ? safe[..40] : safe;
    }
}
