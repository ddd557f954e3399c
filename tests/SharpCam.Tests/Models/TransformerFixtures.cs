using System.IO.Compression;
using System.Text.Json;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Models;

/// <summary>A transformer builder's state-dict keys with shapes and its parameter count, as torchvision 0.14 builds it.</summary>
public sealed record TransformerBuilderReference(IReadOnlyList<(string Key, long[] Shape)> StateDict, long Parameters);

/// <summary>A transformer's logits and Grad-CAM (pytorch-grad-cam with its reshape_transform) at its default layer.</summary>
/// <remarks>Raw (Σ_c w_c·A_c, before ReLU) and GradCam (ReLU, divided by the max) are [h, w] maps flattened row by row.</remarks>
public sealed record TransformerParityReference(string Layer, long[] FeatureMapShape, float[] Logits, int Class, float[] Raw, float[] GradCam);

/// <summary>tests/fixtures/zoo/transformers.json.gz, written by make_transformer_fixtures.py (its docstring says what each entry is).</summary>
public static class TransformerFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
    {
        using var file = File.OpenRead(RepoPaths.Fixture("zoo/transformers.json.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        return JsonDocument.Parse(gzip);
    });

    public static IEnumerable<string> BuilderNames => Document.Value.RootElement.GetProperty("builders").EnumerateObject().Select(p => p.Name);

    public static TransformerBuilderReference Builder(string name)
    {
        var e = Document.Value.RootElement.GetProperty("builders").GetProperty(name);
        return new TransformerBuilderReference(
            e.GetProperty("state_dict").EnumerateArray().Select(kv => (kv[0].GetString()!, Longs(kv[1]))).ToList(),
            e.GetProperty("parameters").GetInt64());
    }

    public static TransformerParityReference Parity(string name)
    {
        var e = Document.Value.RootElement.GetProperty("parity").GetProperty(name);
        return new TransformerParityReference(
            e.GetProperty("layer").GetString()!, Longs(e.GetProperty("feature_map_shape")),
            e.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray(), e.GetProperty("class").GetInt32(),
            Flat(e.GetProperty("raw")), Flat(e.GetProperty("gradcam")));
    }

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    private static float[] Flat(JsonElement rows) =>
        rows.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray();
}
