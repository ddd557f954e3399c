using static TorchSharp.torch;

namespace SharpCam.Data;

/// <summary>
/// The notebook's random split of a training set into training and validation items (55,000 / 5,000 on full
/// MNIST), as indices into the set. It reproduces
/// <c>torch.utils.data.random_split(train, [n - v, v], generator=torch.Generator().manual_seed(seed))</c> exactly:
/// that takes <c>torch.randperm(n, generator)</c>, the first n - v indices for training and the last v for
/// validation; libtorch's CPU randperm with a generator of the same seed gives the same permutation in TorchSharp
/// (checked against PyTorch 1.13 for n = 60,000 and 9,000 in the tests).
/// </summary>
public sealed class ValidationSplit
{
    public const ulong DefaultSeed = 42;

    private ValidationSplit(long[] train, long[] validation)
    {
        Train = train;
        Validation = validation;
    }

    /// <summary>Indices of the training items, in the order random_split yields them.</summary>
    public IReadOnlyList<long> Train { get; }

    /// <summary>Indices of the validation items, in the order random_split yields them.</summary>
    public IReadOnlyList<long> Validation { get; }

    /// <summary>
    /// The notebook's proportion, 5,000 of 60,000, rounded to the nearest item (750 for the 9,000-digit sample).
    /// </summary>
    public static int DefaultValidationSize(int count) =>
        (int)Math.Round(count * 5000.0 / 60000.0, MidpointRounding.AwayFromZero);

    /// <summary>Splits <paramref name="count"/> items; <paramref name="validationSize"/> defaults to <see cref="DefaultValidationSize"/>.</summary>
    public static ValidationSplit Create(int count, int? validationSize = null, ulong seed = DefaultSeed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of items cannot be negative.");
        int validation = validationSize ?? DefaultValidationSize(count);
        if (validation < 0 || validation > count)
            throw new ArgumentOutOfRangeException(nameof(validationSize), validation,
                $"The validation size (--val-size) is {validation}; it must be between 0 and the number of training items ({count}).");
        using var generator = new Generator(seed);
        using var permutation = randperm(count, generator: generator);
        var indices = permutation.data<long>().ToArray();
        return new ValidationSplit(indices[..(count - validation)], indices[(count - validation)..]);
    }
}
