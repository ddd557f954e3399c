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
        Check(model, tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape), source);
        CheckFinite(tensors, source);
        var own = model.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, value) in tensors)
            own[key].copy_(value.to(own[key].dtype));
    }

    /// <summary>
    /// Checks tensor shapes (as a checkpoint declares them, before any data is read) against the model's parameters
    /// and buffers: the same rule as <see cref="Load"/>, and the same <see cref="StateDictMismatchException"/>.
    /// </summary>
    public static void Check(Module model, IReadOnlyDictionary<string, long[]> shapes, string source)
    {
        var own = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var (missing, unexpected) = KeyDifferences(own, shapes.Keys);
        var misshaped = shapes.Where(kv => own.TryGetValue(kv.Key, out var shape) && !shape.SequenceEqual(kv.Value))
            .Select(kv => $"{kv.Key}: file [{string.Join(", ", kv.Value)}], model [{string.Join(", ", own[kv.Key])}]")
            .ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
            throw new StateDictMismatchException(source, missing, unexpected, misshaped, own.Count, shapes.Count);
    }

    /// <summary>NaN or infinite weights (a diverged training run) would only surface later as NaN maps: refused here, naming the file.</summary>
    private static void CheckFinite(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        using var scope = NewDisposeScope();
        foreach (var (key, value) in tensors)
        {
            if (!value.is_floating_point()) continue;
            long bad = value.isfinite().logical_not().sum().item<long>();
            if (bad > 0)
                throw new CheckpointReadException(
                    $"The weights in {source} are not usable: '{key}' holds {bad:N0} NaN or infinite values (of {value.numel():N0}); " +
                    "the training that wrote it diverged. Nothing was loaded; use an earlier checkpoint or train again (e.g. a lower --lr).");
        }
    }

    /// <summary>
    /// When the keys do not fit the model as they are: the entries with a dotted prefix that every key shares removed
    /// (e.g. <c>model.</c> from a LightningModule that wraps the net, <c>module.</c> from DataParallel), the longest
    /// such prefix whose removal makes them fit. Otherwise the entries unchanged, for StateDict.Load to report.
    /// Keys that <paramref name="optional"/> accepts (e.g. a zoo model's auxiliary heads) may be missing on either side.
    /// Works on tensors and on declared shapes alike.
    /// </summary>
    public static IReadOnlyDictionary<string, T> FitPrefix<T>(Module model, IReadOnlyDictionary<string, T> tensors,
                                                             Func<string, bool>? optional = null)
    {
        var prefix = SharedPrefix(model, tensors.Keys, optional);
        return prefix.Length == 0 ? tensors : tensors.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
    }

    /// <summary>The prefix <see cref="FitPrefix"/> removes from <paramref name="keys"/> ("" when none).</summary>
    public static string SharedPrefix(Module model, IEnumerable<string> names, Func<string, bool>? optional = null)
    {
        var keys = names.ToList();
        var own = model.state_dict();
        bool Fits(IEnumerable<string> candidate)
        {
            var (missing, unexpected) = KeyDifferences(own, candidate);
            return missing.Concat(unexpected).All(key => optional?.Invoke(key) == true);
        }

        if (keys.Count == 0 || Fits(keys)) return "";
        var segments = keys.First().Split('.');
        for (int length = segments.Length - 1; length > 0; length--)
        {
            var prefix = string.Join('.', segments.Take(length)) + ".";
            if (keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)) && Fits(keys.Select(k => k[prefix.Length..])))
                return prefix;
        }
        return "";
    }

    /// <summary>Model keys the file lacks (BatchNorm's optional counters aside) and file keys the model lacks.</summary>
    private static (List<string> Missing, List<string> Unexpected) KeyDifferences<T>(Dictionary<string, T> own, IEnumerable<string> keys)
    {
        var given = keys.ToHashSet();
        return (own.Keys.Where(k => !given.Contains(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList(),
                given.Where(k => !own.ContainsKey(k)).ToList());
    }
}

/// <summary>
/// Weights that do not fit the model. <see cref="Missing"/>, <see cref="Unexpected"/> and <see cref="Misshaped"/> list
/// every problem key; the message summarises them in a few lines (counts, the first keys, and which architecture
/// the file's keys look like when it is a different one).
/// </summary>
public sealed class StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
                                               IReadOnlyList<string> misshaped, int modelKeys = 0, int fileKeys = 0)
    : Exception(Describe(source, missing, unexpected, misshaped, modelKeys, fileKeys))
{
    /// <summary>Keys shown per list in the message; the lists themselves are complete.</summary>
    private const int Shown = 3;

    public IReadOnlyList<string> Missing { get; } = missing;
    public IReadOnlyList<string> Unexpected { get; } = unexpected;
    public IReadOnlyList<string> Misshaped { get; } = misshaped;

    private static string Describe(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
                                   IReadOnlyList<string> misshaped, int modelKeys, int fileKeys)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{Keys(missing.Count, "missing")} the model expects ({Some(missing, ", ")})");
        if (unexpected.Count > 0) parts.Add($"{Keys(unexpected.Count, "unexpected")} ({Some(unexpected, ", ")})");
        if (misshaped.Count > 0) parts.Add($"{Keys(misshaped.Count, "misshaped")} ({Some(misshaped, "; ")})");
        var counts = modelKeys > 0 ? $" (the file has {fileKeys} tensors, the model {modelKeys})" : "";
        var looksLike = ArchitectureGuess.Of(unexpected) is { } guess && unexpected.Count > missing.Count / 2
            ? $"; this looks like a {guess} state dict" : "";
        return $"The weights in {source} do not fit the model{counts}{looksLike}: {string.Join("; ", parts)}. Nothing was loaded." +
               Environment.NewLine + "Check that the architecture (and --num-classes) matches the file.";
    }

    private static string Keys(int count, string what) => $"{count} {what} key{(count == 1 ? "" : "s")}";

    private static string Some(IReadOnlyList<string> keys, string separator) =>
        string.Join(separator, keys.Take(Shown)) + (keys.Count > Shown ? $"{separator}…" : "");
}

/// <summary>A guess at the architecture a set of state-dict keys comes from, by the key names torchvision and the notebook use.</summary>
internal static class ArchitectureGuess
{
    public static string? Of(IReadOnlyCollection<string> keys)
    {
        bool Has(string key) => keys.Any(k => k == key || k.EndsWith("." + key, StringComparison.Ordinal));
        if (Has("conv.0.weight") && Has("fc.4.weight")) return "LeNet (SharpCam's notebook model)";
        if (Has("layer1.0.conv1.weight"))
            return Has("layer1.0.conv3.weight") ? "ResNet-50/101/152 (bottleneck ResNet)" : "resnet18/resnet34 (basic-block ResNet)";
        if (Has("features.0.weight") && Has("classifier.6.weight")) return "VGG or AlexNet";
        if (Has("features.0.0.weight") && Has("classifier.1.weight")) return "MobileNet";
        if (Has("Conv2d_1a_3x3.conv.weight")) return "Inception v3";
        if (Has("conv1.conv.weight") && Has("inception3a.branch1.conv.weight")) return "GoogLeNet";
        return null;
    }
}
