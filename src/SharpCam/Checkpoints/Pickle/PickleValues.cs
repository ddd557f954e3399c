using static TorchSharp.torch;

namespace SharpCam.Checkpoints.Pickle;

/// <summary>A storage named by a torch persistent id: its key in the file, element type and element count. No data is read.</summary>
internal sealed record StorageRef(string Key, ScalarType DType, long Numel);

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view of a storage. No data is read.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Shape, long[] Stride)
{
    public override string ToString() =>
        $"tensor {Storage.DType.ToString().ToLowerInvariant()} [{string.Join(", ", Shape)}]";
}

/// <summary>What an allowed global may be used for when the pickle calls or instantiates it.</summary>
internal enum GlobalKind { OrderedDict, AttributeDict, RebuildTensor, RebuildParameter, RebuildParameterWithState, Storage }

/// <summary>A Python global that the allow-list lets a pickle name; nothing is ever imported or run.</summary>
internal sealed record AllowedGlobal(string Name, GlobalKind Kind, ScalarType StorageType = ScalarType.Byte)
{
    public override string ToString() => Name;
}

/// <summary>
/// The only Python globals a checkpoint's pickle may name: what <c>torch.save</c> needs for tensors and state dicts,
/// and Lightning's <c>AttributeDict</c> (a dict subclass, read as a plain dict).
/// </summary>
internal static class PickleAllowList
{
    private static readonly Dictionary<string, AllowedGlobal> Globals = Build();

    public static AllowedGlobal? Find(string module, string name) => Globals.GetValueOrDefault($"{module}.{name}");

    private static Dictionary<string, AllowedGlobal> Build()
    {
        var globals = new List<AllowedGlobal>
        {
            new("collections.OrderedDict", GlobalKind.OrderedDict),
            new("pytorch_lightning.utilities.parsing.AttributeDict", GlobalKind.AttributeDict),
            new("lightning.fabric.utilities.data.AttributeDict", GlobalKind.AttributeDict),
            new("lightning_fabric.utilities.data.AttributeDict", GlobalKind.AttributeDict),
            new("torch._utils._rebuild_tensor_v2", GlobalKind.RebuildTensor),
            new("torch._utils._rebuild_parameter", GlobalKind.RebuildParameter),
            new("torch._utils._rebuild_parameter_with_state", GlobalKind.RebuildParameterWithState),
            new("torch.UntypedStorage", GlobalKind.Storage, ScalarType.Byte),
            new("torch.storage.UntypedStorage", GlobalKind.Storage, ScalarType.Byte),
        };
        (string Name, ScalarType Type)[] typed =
        {
            ("Float", ScalarType.Float32), ("Double", ScalarType.Float64), ("Half", ScalarType.Float16),
            ("BFloat16", ScalarType.BFloat16), ("Long", ScalarType.Int64), ("Int", ScalarType.Int32),
            ("Short", ScalarType.Int16), ("Char", ScalarType.Int8), ("Byte", ScalarType.Byte), ("Bool", ScalarType.Bool),
        };
        globals.AddRange(typed.Select(t => new AllowedGlobal($"torch.{t.Name}Storage", GlobalKind.Storage, t.Type)));
        return globals.ToDictionary(g => g.Name);
    }
}
