using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using SharpCam.Onnx;
using SharpCam.Tests.Support;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace SharpCam.Tests.Onnx;

/// <summary>
/// The ONNX graph fixtures of tests/fixtures/onnx (made by make_onnx_fixtures.py) with their weights: the graphs keep
/// every weight as external data, and <see cref="Prepare"/> writes that file here, deterministically, at the offsets
/// the graph names. ONNX Runtime (<see cref="RunOrt"/>) is the oracle the rebuilt graph is compared with.
/// </summary>
public static class OnnxFixtures
{
    public static readonly string[] Exported =
        ["resnet18_op11", "resnet18_op17", "mobilenet_v3_small_op11", "mobilenet_v3_small_op17", "vgg11_op11", "vgg11_op17"];

    /// <summary>Copies fixture <paramref name="name"/> into <paramref name="folder"/> and writes its external weights beside it.</summary>
    public static string Prepare(string name, TempFolder folder)
    {
        var source = RepoPaths.Fixture($"onnx/{name}.onnx");
        var path = folder.File($"{name}.onnx");
        File.Copy(source, path, overwrite: true);
        WriteExternalWeights(path);
        return path;
    }

    /// <summary>
    /// Writes every external-data tensor of <paramref name="modelPath"/>: weights (rank ≥ 2) uniform with He's
    /// variance 2 / fan-in, so activations keep their scale through ReLU layers; vectors named *weight / *var (BatchNorm
    /// scales and variances) in [0.5, 1.5); other vectors (biases, means) in [−0.1, 0.1). Values depend only on the
    /// tensor's name, so every run writes the same bytes.
    /// </summary>
    public static void WriteExternalWeights(string modelPath)
    {
        var proto = OnnxModelProto.Parse(File.ReadAllBytes(modelPath));
        var folder = Path.GetDirectoryName(modelPath)!;
        foreach (var group in proto.Graph.Initializers.Where(t => t.IsExternal).GroupBy(t => t.ExternalData["location"]))
        {
            using var file = File.Create(Path.Combine(folder, group.Key));
            foreach (var t in group)
            {
                var values = Values(t.Name, t.Dims.ToArray());
                var bytes = new byte[values.Length * 4];
                Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
                file.Seek(long.Parse(t.ExternalData["offset"]), SeekOrigin.Begin);
                file.Write(bytes);
            }
        }
    }

    private static float[] Values(string name, long[] dims)
    {
        var count = dims.Aggregate(1L, (a, b) => a * b);
        var random = new SplitMix(name);
        var values = new float[count];
        if (dims.Length >= 2)
        {
            var bound = Math.Sqrt(3 * 2.0 / (count / dims[0]));   // uniform(−b, b) has variance b²/3
            for (long i = 0; i < count; i++) values[i] = (float)((2 * random.Next() - 1) * bound);
        }
        else
        {
            var scale = name.EndsWith("weight", StringComparison.Ordinal) || name.EndsWith("var", StringComparison.Ordinal);
            for (long i = 0; i < count; i++) values[i] = (float)(scale ? 0.5 + random.Next() : 0.2 * random.Next() - 0.1);
        }
        return values;
    }

    /// <summary>A deterministic image-like batch [n, c, h, w], values uniform in [−2, 2) (normalised pixels).</summary>
    public static Tensor Images(long n, long c, long h, long w, string seed = "images")
    {
        var random = new SplitMix(seed);
        var values = new float[n * c * h * w];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(4 * random.Next() - 2);
        return tensor(values).reshape(n, c, h, w);
    }

    /// <summary>ONNX Runtime's value of output <paramref name="output"/> for <paramref name="input"/> (in the graph's own layout).</summary>
    public static Tensor RunOrt(string modelPath, Tensor input, string? output = null)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(modelPath, options);
        var inputName = session.InputMetadata.Keys.Single();
        var dense = new DenseTensor(input.contiguous().data<float>().ToArray(), input.shape.Select(d => (int)d).ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, dense)]);
        var result = results.First(r => output is null || r.Name == output).AsTensor<float>();
        return tensor(result.ToArray()).reshape(result.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }

    /// <summary>SplitMix64 seeded by a string's FNV-1a hash: uniform doubles in [0, 1).</summary>
    private sealed class SplitMix(string seed)
    {
        private ulong _state = seed.Aggregate(14695981039346656037UL, (h, ch) => (h ^ ch) * 1099511628211UL);

        public double Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
        }
    }
}
