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
        var (missing, unexpected) = KeyDifferences(own, tensors.Keys);
        var misshaped = tensors.Where(kv => own.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: file [{string.Join(", ", kv.Value.shape)}], model [{string.Join(", ", own[kv.Key].shape)}]")
            .ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
            throw new StateDictMismatchException(source, missing, unexpected, misshaped);
        using var noGrad = no_grad();
        foreach (var (key, value) in tensors)
            own[key].copy_(value.to(own[key].dtype));
    }

    /// <summary>
    /// When the keys do not fit the model as they are: the tensors with a dotted prefix that every key shares removed
    /// (e.g. <c>model.</c> from a LightningModule that wraps the net, <c>module.</c> from DataParallel), the longest
    /// such prefix whose removal makes them fit. Otherwise the tensors unchanged, for StateDict.Load to report.
    /// Keys that <paramref name="optional"/> accepts (e.g. a zoo model's auxiliary heads) may be missing on either side.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> FitPrefix(Module model, IReadOnlyDictionary<string, Tensor> tensors,
                                                                Func<string, bool>? optional = null)
    {
        var own = model.state_dict();
        bool Fits(IEnumerable<string> keys)
        {
            var (missing, unexpected) = KeyDifferences(own, keys);
            return missing.Concat(unexpected).All(key => optional?.Invoke(key) == true);
        }

        if (Fits(tensors.Keys) || tensors.Count == 0) return tensors;
        var segments = tensors.Keys.First().Split('.');
        for (int length = segments.Length - 1; length > 0; length--)
        {
            var prefix = string.Join('.', segments.Take(length)) + ".";
            if (!tensors.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal))) continue;
            if (Fits(tensors.Keys.Select(k => k[prefix.Length..])))
                return tensors.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        }
        return tensors;
    }

    /// <summary>Model keys the file lacks (BatchNorm's optional counters aside) and file keys the model lacks.</summary>
    private static (List<string> Missing, List<string> Unexpected) KeyDifferences(Dictionary<string, Tensor> own, IEnumerable<string> keys)
    {
        var given = keys.ToHashSet();
        return (own.Keys.Where(k => !given.Contains(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList(),
                given.Where(k => !own.ContainsKey(k)).ToList());
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
