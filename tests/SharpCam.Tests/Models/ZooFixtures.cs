using System.IO.Compression;
using System.Text.Json;
using SharpCam.IO;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Models;

/// <summary>One architecture's reference from tests/fixtures/zoo/architectures.json.gz (see make_zoo_fixtures.py).</summary>
public sealed record ArchitectureReference(
    int NumClasses, int InputSize, string DefaultLayer, long[] LayerOutputShape,
    IReadOnlyList<(string Key, long[] Shape)> StateDict, float[] Logits, int Class, float[,] GradCam);

/// <summary>A builder's state-dict keys and shapes and its parameter count, with torchvision's 1000 classes.</summary>
public sealed record BuilderReference(IReadOnlyList<(string Key, long[] Shape)> StateDict, long NumParams);

/// <summary>The committed PyTorch references of the model zoo.</summary>
public static class ZooFixtures
{
    private static readonly Lazy<Dictionary<string, ArchitectureReference>> References = new(Load);

    public static IEnumerable<string> ArchitectureNames => References.Value.Keys;

    public static ArchitectureReference Architecture(string name) => References.Value[name];

    /// <summary>parity_224.npz: &lt;arch&gt;_logits [1, 1000], &lt;arch&gt;_class [1], &lt;arch&gt;_gradcam [1, h, w].</summary>
    public static Dictionary<string, Tensor> Parity224() => Npy.LoadArchive(RepoPaths.Fixture("zoo/parity_224.npz"));

    public static string Image(string relative) => RepoPaths.Fixture(Path.Combine("zoo", "images", relative));

    private static readonly Lazy<Dictionary<string, BuilderReference>> Builders = new(LoadBuilders);

    /// <summary>Every builder of the convolutional families of cnn_families.json.gz (make_cnn_family_fixtures.py).</summary>
    public static IEnumerable<string> BuilderNames => Builders.Value.Keys;

    public static BuilderReference Builder(string name) => Builders.Value[name];

    /// <summary>architectures.json.gz and the "parity" section of cnn_families.json.gz, in the same format.</summary>
    private static Dictionary<string, ArchitectureReference> Load()
    {
        using var architectures = ReadJson("zoo/architectures.json.gz");
        using var families = ReadJson("zoo/cnn_families.json.gz");
        return architectures.RootElement.EnumerateObject()
            .Concat(families.RootElement.GetProperty("parity").EnumerateObject())
            .ToDictionary(p => p.Name, p => Parse(p.Value));
    }

    private static Dictionary<string, BuilderReference> LoadBuilders()
    {
        using var families = ReadJson("zoo/cnn_families.json.gz");
        return families.RootElement.GetProperty("builders").EnumerateObject().ToDictionary(
            p => p.Name, p => new BuilderReference(StateDict(p.Value), p.Value.GetProperty("num_params").GetInt64()));
    }

    private static JsonDocument ReadJson(string fixture)
    {
        using var file = File.OpenRead(RepoPaths.Fixture(fixture));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        return JsonDocument.Parse(gzip);
    }

    private static List<(string Key, long[] Shape)> StateDict(JsonElement e) =>
        e.GetProperty("state_dict").EnumerateArray()
            .Select(kv => (kv[0].GetString()!, kv[1].EnumerateArray().Select(v => v.GetInt64()).ToArray())).ToList();

    private static ArchitectureReference Parse(JsonElement e)
    {
        var rows = e.GetProperty("gradcam").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var map = new float[rows.Length, rows[0].Length];
        for (int y = 0; y < rows.Length; y++)
        for (int x = 0; x < rows[0].Length; x++)
            map[y, x] = rows[y][x];
        return new ArchitectureReference(
            e.GetProperty("num_classes").GetInt32(),
            e.GetProperty("input_size").GetInt32(),
            e.GetProperty("default_layer").GetString()!,
            e.GetProperty("layer_output_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
            StateDict(e),
            e.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray(),
            e.GetProperty("class").GetInt32(),
            map);
    }
}
