using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Models;

/// <summary>
/// Deterministic weights that tests/fixtures/zoo/make_zoo_fixtures.py computes bit for bit in NumPy, so the parity
/// fixtures need no stored weights: each value is a hash (FNV-1a of the key, splitmix64 of the element index) mapped
/// to a range that suits the tensor (He-uniform for conv/linear weights, positive BatchNorm variances, …).
/// The script's docstring states the formula.
/// </summary>
public static partial class FormulaWeights
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    /// <summary>Overwrites every floating-point parameter and buffer of <paramref name="model"/> in place.</summary>
    public static void Fill(Module model)
    {
        var state = model.state_dict();
        var keys = state.Keys.ToHashSet();
        foreach (var (key, tensor) in state)
        {
            if (!tensor.is_floating_point() || IsConstantBuffer(key)) continue;
            Assert.Equal(ScalarType.Float32, tensor.dtype);
            Write(key, tensor.shape, keys, MemoryMarshal.Cast<byte, float>(tensor.bytes));
        }
    }

    /// <summary>The formula input: s(i) of the key "input", [1, 3, size, size].</summary>
    public static Tensor Input(int size)
    {
        var values = new float[3 * size * size];
        var seed = Seed("input");
        for (int i = 0; i < values.Length; i++) values[i] = (float)(2.0 * Unit(seed, (ulong)i) - 1.0);
        return tensor(values, new long[] { 1, 3, size, size });
    }

    private static void Write(string key, long[] shape, HashSet<string> keys, Span<float> target)
    {
        var seed = Seed(key);
        Func<double, double> map;
        if (key.EndsWith("running_var", StringComparison.Ordinal)) map = u => 0.5 + u;
        else if (key.EndsWith("running_mean", StringComparison.Ordinal) || key.EndsWith("bias", StringComparison.Ordinal)) map = u => 0.1 * (2 * u - 1);
        else if (shape.Length == 1)
        {
            var scale = ClosesResidualBranch(key, keys) ? 0.2 : 1.0;
            map = u => (1.0 + 0.25 * (2 * u - 1)) * scale;
        }
        else
        {
            var bound = Math.Sqrt(6.0 / (target.Length / shape[0]));
            map = u => (2 * u - 1) * bound;
        }
        for (int i = 0; i < target.Length; i++) target[i] = (float)map(Unit(seed, (ulong)i));
    }

    /// <summary>
    /// Float buffers that are constants of the architecture, not weights, and keep their value (make_transformer_fixtures.py
    /// does the same): Swin V2's relative_coords_table, the log-spaced coordinates its position-bias MLP reads.
    /// </summary>
    private static bool IsConstantBuffer(string key) => key.EndsWith("relative_coords_table", StringComparison.Ordinal);

    /// <summary>The last norm of a ResNet block's residual branch: layerI.J.bn3, or layerI.J.bn2 when there is no bn3.</summary>
    private static bool ClosesResidualBranch(string key, HashSet<string> keys)
    {
        var block = ResidualNorm().Match(key);
        return block.Success && (block.Groups[2].Value == "3" || !keys.Contains(block.Groups[1].Value + "bn3.weight"));
    }

    private static ulong Seed(string key)
    {
        ulong h = 0xCBF29CE484222325;
        foreach (var b in Encoding.UTF8.GetBytes(key)) h = unchecked((h ^ b) * 0x100000001B3);
        return h;
    }

    private static double Unit(ulong seed, ulong index)
    {
        unchecked
        {
            var z = seed + index * Golden;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            return (z >> 40) / (double)(1 << 24);
        }
    }

    [GeneratedRegex(@"^(layer\d+\.\d+\.)bn([23])\.weight$")]
    private static partial Regex ResidualNorm();
}
