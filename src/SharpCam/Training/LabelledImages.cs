using static TorchSharp.torch;

namespace SharpCam.Training;

/// <summary>
/// Images and their class labels as tensors: images float32 [N, C, H, W] (digits: [N, 1, 28, 28] in [0, 1]),
/// labels int64 [N]. The caller owns both tensors.
/// </summary>
public sealed record LabelledImages(Tensor Images, Tensor Labels)
{
    public long Count => Images.shape[0];

    /// <summary>Throws an <see cref="ArgumentException"/> when the tensors' shapes or types are wrong or the set is empty.</summary>
    public void Validate(string name)
    {
        if (Images.dim() != 4 || Images.dtype != ScalarType.Float32)
            throw new ArgumentException($"The {name} images must be a float32 tensor [N, C, H, W]; got {Images.dtype} [{string.Join(", ", Images.shape)}].");
        if (Labels.dim() != 1 || Labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"The {name} labels must be an int64 tensor [N]; got {Labels.dtype} [{string.Join(", ", Labels.shape)}].");
        if (Labels.shape[0] != Count)
            throw new ArgumentException($"The {name} set has {Count} images but {Labels.shape[0]} labels; give one label per image.");
        if (Count == 0) throw new ArgumentException($"The {name} set is empty; it needs at least one image.");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> when a label is not a class of a <paramref name="numClasses"/>-class model.</summary>
    public void ValidateLabels(string name, int numClasses)
    {
        using var scope = NewDisposeScope();
        var (min, max) = (Labels.min().item<long>(), Labels.max().item<long>());
        if (min < 0 || max >= numClasses)
            throw new ArgumentException($"The {name} labels must lie in [0, {numClasses - 1}] for a {numClasses}-class model; they span [{min}, {max}]. Check the model's number of classes.");
    }
}
