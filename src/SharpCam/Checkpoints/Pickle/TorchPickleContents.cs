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
            Epoch = top.GetValueOrDefault("epoch") is long epoch ? checked((int)epoch) : null,
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

    /// <summary>Hyper-parameters as JSON-friendly values: containers become lists and string-keyed dicts.</summary>
    private static Dictionary<string, object?> PlainDict(Dictionary<object, object?> dict, int depth = 0)
    {
        var plain = new Dictionary<string, object?>();
        foreach (var (key, value) in dict) plain[Convert.ToString(key, CultureInfo.InvariantCulture)!] = Plain(value, depth + 1);
        return plain;
    }

    private static object? Plain(object? value, int depth) => depth > MaxDepth ? "(nested too deeply)" : value switch
    {
        Dictionary<object, object?> dict => PlainDict(dict, depth),
        object?[] tuple => tuple.Select(item => Plain(item, depth + 1)).ToList(),
        List<object?> list => list.Select(item => Plain(item, depth + 1)).ToList(),
        HashSet<object?> set => set.Select(item => Plain(item, depth + 1)).ToList(),
        BigInteger big => big.ToString(CultureInfo.InvariantCulture),
        TensorRef or StorageRef or AllowedGlobal => value.ToString(),
        _ => value,
    };
}
