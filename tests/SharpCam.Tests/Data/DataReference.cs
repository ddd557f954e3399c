using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Data;

/// <summary>
/// The repository's MNIST sample and the references PyTorch computed from the same bytes
/// (tests/fixtures/data/make_data_fixtures.py → mnist_sample_reference.json, mnist_sample_test_first50.npz).
/// </summary>
public static class DataReference
{
    public static string SampleFolder { get; } = Path.Combine(RepoPaths.Root, "data", "mnist-sample");

    public const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    public static JsonElement Json { get; } =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("data/mnist_sample_reference.json"))).RootElement;

    public static string SamplePath(string name) => Path.Combine(SampleFolder, name);

    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>SHA-256 of a tensor's little-endian bytes in C order, as the fixture script hashes numpy arrays.</summary>
    public static string Sha256<T>(Tensor tensor) where T : unmanaged
    {
        using var contiguous = tensor.contiguous();
        var values = contiguous.data<T>().ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
    }

    /// <summary>The decompressed bytes of a sample .gz file.</summary>
    public static byte[] Decompressed(string gzPath)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(gzPath), System.IO.Compression.CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}

/// <summary>A fact that needs Fashion-MNIST (Debian's dataset-fashion-mnist); skipped (not failed) where it is absent.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(DataReference.FashionFolder, "t10k-images-idx3-ubyte.gz")))
            Skip = $"Fashion-MNIST is not installed at {DataReference.FashionFolder} (apt-get install dataset-fashion-mnist)";
    }
}
