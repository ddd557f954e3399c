using System.Globalization;
using System.Numerics;

namespace SharpCam.Checkpoints.Pickle;

/// <summary>
/// What SharpCam takes from an unpickled <c>torch.save</c> object: the state dict (tensors not yet read) and what the
/// file says about itself. A plain state dict is the object itself; a Lightning checkpoint (or any dict with a
/// <c>state_dict</c> entry) nests it, with <c>epoch</c>, <c>global_step</c> and <c>hyper_parameters</c> beside it.
/// </summary>
internal sealed record TorchPickleContents(IReadOnlyDictionary<string, TensorRef> StateDict, CheckpointMetadata Metadata)
{
    public static TorchPickleContents Interpret(object? root, string path, string plainFormat)
    {
        if (root is not Dictionary<object, object?> top)
            throw new CheckpointReadException($"{path} holds a pickled {PickleMachine.Describe(root)}, not a state dict. " +
                                              "Save the weights in Python with torch.save(model.state_dict(), path).");
        if (top.GetValueOrDefault("state_dict") is not Dictionary<object, object?> nested)
            return new TorchPickleContents(Tensors(top, path), new CheckpointMetadata { Format = plainFormat });
        var metadata = new CheckpointMetadata
        {
            Epoch = top.GetValueOrDefault("epoch") is long epoch and >= 0 and <= int.MaxValue ? (int)epoch : null,
            Step = top.GetValueOrDefault("global_step") as long?,
            HyperParameters = top.GetValueOrDefault("hyper_parameters") is Dictionary<object, object?> hyper ? PlainDict(hyper) : new(),
            Format = top.ContainsKey("pytorch-lightning_version") ? CheckpointFormat.Lightning : plainFormat,
        };
        return new TorchPickleContents(Tensors(nested, path), metadata);
    }

    private static Dictionary<string, TensorRef> Tensors(Dictionary<object, object?> dict, string path)
    {
        var bad = dict.Where(kv => kv.Key is not string || kv.Value is not TensorRef)
            .Select(kv => $"{kv.Key} ({PickleMachine.Describe(kv.Value)})").ToList();
        if (bad.Count > 0)
            throw new CheckpointReadException(
                $"{path} is not a state dict: {bad.Count} of its {dict.Count} entries are not named tensors " +
                $"({string.Join(", ", bad.Take(8))}{(bad.Count > 8 ? ", …" : "")}). SharpCam reads torch.save(model.state_dict()) " +
                "files and Lightning checkpoints; for a checkpoint that keeps the weights under another key, re-save that " +
                "entry in Python: torch.save(checkpoint['<key>'], 'weights.pth').");
        return dict.ToDictionary(kv => (string)kv.Key, kv => (TensorRef)kv.Value!);
    }

    /// <summary>Deeper containers (or a pickled list that contains itself) are cut off rather than recursed into.</summary>
    private const int MaxDepth = 32;

    /// <summary>
    /// Hyper-parameters as JSON-friendly values: containers become lists and string-keyed dicts. A pickle can share one
    /// container many times (memo references), so a 1 KB file can describe a tree of 2^32 values: at most
    /// <see cref="CheckpointLimits.MaxHyperParameterValues"/> values are copied, the rest are cut off.
    /// </summary>
    private static Dictionary<string, object?> PlainDict(Dictionary<object, object?> dict) => new Plainer().Dict(dict, 0);

    private sealed class Plainer
    {
        private const string Cut = "(cut off: too many values)";
        private int left = CheckpointLimits.MaxHyperParameterValues;

        public Dictionary<string, object?> Dict(Dictionary<object, object?> dict, int depth)
        {
            var plain = new Dictionary<string, object?>();
            foreach (var (key, value) in dict)
            {
                if (left <= 0) { plain["…"] = Cut; break; }
                plain[Convert.ToString(key, CultureInfo.InvariantCulture)!] = Value(value, depth + 1);
            }
            return plain;
        }

        private List<object?> Items(IEnumerable<object?> items, int depth)
        {
            var plain = new List<object?>();
            foreach (var item in items)
            {
                if (left <= 0) { plain.Add(Cut); break; }
                plain.Add(Value(item, depth + 1));
            }
            return plain;
        }

        private object? Value(object? value, int depth)
        {
            left--;
            return depth > MaxDepth ? "(nested too deeply)" : value switch
            {
                Dictionary<object, object?> dict => Dict(dict, depth),
                object?[] tuple => Items(tuple, depth),
                List<object?> list => Items(list, depth),
                HashSet<object?> set => Items(set, depth),
                // Decimal conversion is quadratic in the length: a megabyte-long LONG4 is summarised, not printed.
                BigInteger big => big.GetByteCount() <= 64 ? big.ToString(CultureInfo.InvariantCulture) : $"(integer of {big.GetByteCount()} bytes)",
                TensorRef or StorageRef or AllowedGlobal => value.ToString(),
                _ => value,
            };
        }
    }
}
