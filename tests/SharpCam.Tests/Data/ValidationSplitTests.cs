using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SharpCam.Data;

namespace SharpCam.Tests.Data;

/// <summary>
/// The split against torch.utils.data.random_split(range(n), [n - v, v], generator=torch.Generator().manual_seed(42))
/// of PyTorch 1.13 (fixture): same indices exactly, checked by the first and last five of each part and a SHA-256
/// of the whole permutation.
/// </summary>
public class ValidationSplitTests
{
    [Theory]
    [InlineData(0)] // n = 60000, 55000 / 5000
    [InlineData(1)] // n = 9000 (the sample's training set), 8250 / 750
    public void MatchesPyTorchRandomSplit(int fixture)
    {
        var reference = DataReference.Json.GetProperty("random_split")[fixture];
        int n = reference.GetProperty("n").GetInt32(), v = reference.GetProperty("validation_size").GetInt32();

        var split = ValidationSplit.Create(n, v, reference.GetProperty("seed").GetUInt64());

        Assert.Equal(DataReference.Longs(reference.GetProperty("train_first")), split.Train.Take(5));
        Assert.Equal(DataReference.Longs(reference.GetProperty("train_last")), split.Train.TakeLast(5));
        Assert.Equal(DataReference.Longs(reference.GetProperty("validation_first")), split.Validation.Take(5));
        Assert.Equal(DataReference.Longs(reference.GetProperty("validation_last")), split.Validation.TakeLast(5));
        long[] permutation = [.. split.Train, .. split.Validation];
        var sha = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(permutation.AsSpan())));
        Assert.Equal(reference.GetProperty("permutation_int64_sha256").GetString(), sha);
    }

    [Fact]
    public void DefaultsToTheNotebooksProportionAndSeed()
    {
        Assert.Equal(5000, ValidationSplit.DefaultValidationSize(60000));
        Assert.Equal(750, ValidationSplit.DefaultValidationSize(9000));
        Assert.Equal(1, ValidationSplit.DefaultValidationSize(6)); // 0.5 rounds away from zero
        Assert.Equal(0, ValidationSplit.DefaultValidationSize(5));

        var byDefault = ValidationSplit.Create(9000);
        var explicitly = ValidationSplit.Create(9000, 750, 42);
        Assert.Equal(explicitly.Train, byDefault.Train);
        Assert.Equal(explicitly.Validation, byDefault.Validation);
    }

    [Fact]
    public void SizeCanBeOverriddenAndOtherSeedsGiveOtherSplits()
    {
        var split = ValidationSplit.Create(9000, validationSize: 1000, seed: 7);
        Assert.Equal((8000, 1000), (split.Train.Count, split.Validation.Count));
        Assert.Equal(Enumerable.Range(0, 9000).Select(i => (long)i), split.Train.Concat(split.Validation).Order());
        Assert.NotEqual(ValidationSplit.Create(9000, 1000, 42).Validation, split.Validation);
        Assert.Equal(ValidationSplit.Create(9000, 1000, 7).Validation, split.Validation);
    }

    [Fact]
    public void ValidationLargerThanTheSetIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ValidationSplit.Create(100, 101));
        Assert.Contains("between 0 and the number of training items (100)", e.Message);
    }
}
