using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Checkpoints;

/// <summary>Copies named tensors into a model's parameters and buffers, all or nothing.</summary>
public static class StateDict
{
    /// <summary>
    /// Loads <paramref name="tensors"/> into <paramref name="model"/>. Every key must match a parameter or buffer of
    /// the same shape, and every parameter and buffer must be given; otherwise nothing is changed and a
    /// <see cref="StateDictMismatchException"/> lists the missing, unexpected and misshaped keys.
    /// BatchNorm's `num_batches_tracked` counters are optional (torchvision files may lack them).
    /// </summary>
    public static void Load(Module model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var own = model.state_dict();
        var missing = own.Keys.Where(k => !tensors.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        var unexpected = tensors.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var misshaped = tensors.Where(kv => own.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: file [{string.Join(", ", kv.Value.shape)}], model [{string.Join(", ", own[kv.Key].shape)}]")
            .ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
            throw new StateDictMismatchException(source, missing, unexpected, misshaped);
        using var noGrad = no_grad();
        foreach (var (key, value) in tensors)
            own[key].copy_(value.to(own[key].dtype));
    }
}

/// <summary>Weights that do not fit the model; the message lists every problem key.</summary>
public sealed class StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
                                               IReadOnlyList<string> misshaped)
    : Exception(Describe(source, missing, unexpected, misshaped))
{
    public IReadOnlyList<string> Missing { get; } = missing;
    public IReadOnlyList<string> Unexpected { get; } = unexpected;
    public IReadOnlyList<string> Misshaped { get; } = misshaped;

    private static string Describe(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misshaped)
    {
        var lines = new List<string> { $"The weights in {source} do not fit the model (nothing was loaded)." };
        if (missing.Count > 0) lines.Add($"Missing keys ({missing.Count}): {string.Join(", ", missing)}");
        if (unexpected.Count > 0) lines.Add($"Unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected)}");
        if (misshaped.Count > 0) lines.Add($"Mismatched shapes ({misshaped.Count}): {string.Join("; ", misshaped)}");
        lines.Add("Check that the architecture (and --num-classes) matches the file.");
        return string.Join(Environment.NewLine, lines);
    }
}
