using static TorchSharp.torch;

namespace SharpCam.Data;

/// <summary>
/// One split of an MNIST-format data set (MNIST, Fashion-MNIST, the bundled sample) in memory, as torchvision
/// gives it to a model: <see cref="Images"/> are the bytes / 255 (transforms.ToTensor), <see cref="Labels"/> the
/// class indices.
/// Ownership: the dataset owns its two tensors. They are kept out of every dispose scope (a scope open around
/// <see cref="Load"/> does not free them) and are released by <see cref="Dispose"/>; don't dispose them yourself.
/// </summary>
public sealed class MnistDataset : IDisposable
{
    private MnistDataset(Tensor images, Tensor labels, string imagesPath, string labelsPath, MnistSplit split,
                         MnistVariant variant, int[] sourceIndices)
    {
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        ImagesPath = imagesPath;
        LabelsPath = labelsPath;
        Split = split;
        Variant = variant;
        SourceIndices = sourceIndices;
    }

    /// <summary>float32 [N, 1, rows, columns] (28×28 for MNIST), values in [0, 1].</summary>
    public Tensor Images { get; }

    /// <summary>int64 [N], class indices 0..9.</summary>
    public Tensor Labels { get; }

    /// <summary>The image file the items come from.</summary>
    public string ImagesPath { get; }

    /// <summary>The label file the items come from.</summary>
    public string LabelsPath { get; }

    public MnistSplit Split { get; }

    public MnistVariant Variant { get; }

    /// <summary>The class names in label order ("0".."9" for digits).</summary>
    public IReadOnlyList<string> ClassNames => Variant.ClassNames();

    public int Count => SourceIndices.Count;

    /// <summary>For each item, its index in the source files (the identity unless this is a <see cref="Subset"/>).</summary>
    public IReadOnlyList<int> SourceIndices { get; }

    /// <summary>
    /// Reads <paramref name="split"/> from <paramref name="folder"/>, which holds the standard file names with or
    /// without .gz. <paramref name="variant"/> (which only decides the class names) defaults to
    /// <see cref="MnistVariants.Detect"/> of the folder name.
    /// </summary>
    public static MnistDataset Load(string folder, MnistSplit split, MnistVariant? variant = null)
    {
        var imagesPath = MnistFiles.Locate(folder, MnistFiles.ImagesName(split));
        var labelsPath = MnistFiles.Locate(folder, MnistFiles.LabelsName(split));
        var kind = variant ?? MnistVariants.Detect(folder);
        var (idxImages, idxLabels) = IdxFile.ReadPair(imagesPath, labelsPath, kind.ClassNames().Count);

        using var scope = NewDisposeScope();
        using var bytes = tensor(idxImages.Pixels, [idxImages.Count, 1, idxImages.Rows, idxImages.Columns]);
        // The same float32 division as ToTensor's img.float().div(255), so values match torchvision bit for bit.
        var images = bytes.to(ScalarType.Float32).div_(255);
        var labels = tensor(Array.ConvertAll(idxLabels.Values, v => (long)v));
        return new MnistDataset(images, labels, imagesPath, labelsPath, split, kind, Enumerable.Range(0, idxImages.Count).ToArray());
    }

    /// <summary>A new dataset (owning its own tensors) of the items at <paramref name="indices"/>, in that order.</summary>
    public MnistDataset Subset(IReadOnlyList<long> indices)
    {
        using var scope = NewDisposeScope();
        using var index = tensor(indices.ToArray());
        var sources = indices.Select(i => SourceIndices[checked((int)i)]).ToArray();
        return new MnistDataset(Images.index_select(0, index), Labels.index_select(0, index), ImagesPath, LabelsPath,
                                Split, Variant, sources);
    }

    /// <summary>
    /// The notebook's training / validation split of this set (see <see cref="ValidationSplit"/>): 55,000 / 5,000 on
    /// full MNIST, proportionally fewer validation items on smaller sets unless <paramref name="validationSize"/> is given.
    /// </summary>
    public (MnistDataset Train, MnistDataset Validation) SplitForValidation(int? validationSize = null, ulong seed = ValidationSplit.DefaultSeed)
    {
        var split = ValidationSplit.Create(Count, validationSize, seed);
        return (Subset(split.Train), Subset(split.Validation));
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
