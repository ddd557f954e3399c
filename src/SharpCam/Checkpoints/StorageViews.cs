using SharpCam.Checkpoints.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Checkpoints;

/// <summary>Turns pickled tensor descriptions into tensors: each storage is read once, each tensor is a strided view of it.</summary>
internal static class StorageViews
{
    /// <summary>
    /// Checks every declared view against its storage (with overflow-checked arithmetic), lets <paramref name="select"/>
    /// choose the keys from the declared shapes, then reads only the storages those keys use.
    /// </summary>
    /// <param name="readStorage">Reads one storage as a 1-D tensor of its element type and count.</param>
    public static Dictionary<string, Tensor> Materialize(IReadOnlyDictionary<string, TensorRef> tensors, TensorSelector? select,
                                                         Func<StorageRef, Tensor> readStorage, string path)
    {
        foreach (var (name, view) in tensors) CheckBounds(name, view, path);
        var wanted = CheckpointLoader.Selected(select, tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Shape));
        // Everything made here is freed if a later storage fails to read; only the finished views leave the scope.
        using var scope = NewDisposeScope();
        var storages = new Dictionary<string, Tensor>();
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, view) in tensors.Where(kv => wanted.Contains(kv.Key)))
        {
            if (!storages.TryGetValue(view.Storage.Key, out var storage))
                storages[view.Storage.Key] = storage = readStorage(view.Storage);
            result[name] = storage.as_strided(view.Shape, view.Stride, view.Offset);
        }
        foreach (var tensor in result.Values) tensor.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>The last element a view reaches must lie in its storage; sizes and strides that overflow 64 bits are damage too.</summary>
    private static void CheckBounds(string name, TensorRef view, string path)
    {
        try
        {
            checked
            {
                long numel = view.Shape.Aggregate(1L, (n, d) => n * d);
                if (numel == 0) return;
                long last = view.Offset;
                for (int i = 0; i < view.Shape.Length; i++) last += (view.Shape[i] - 1) * view.Stride[i];
                if (last < view.Storage.Numel) return;
                throw CheckpointReadException.Damaged(path, $"tensor '{name}' reaches element {last} of a storage that has {view.Storage.Numel}");
            }
        }
        catch (OverflowException)
        {
            throw CheckpointReadException.Damaged(path,
                $"tensor '{name}' has sizes [{string.Join(", ", view.Shape)}] and strides [{string.Join(", ", view.Stride)}] " +
                "whose extent overflows 64-bit arithmetic");
        }
    }

    /// <summary>A storage's size in bytes, or a damage report when its element count times the element size overflows.</summary>
    public static long ByteLength(StorageRef storage, string path)
    {
        try
        {
            return checked(storage.Numel * storage.DType.ElementSize());
        }
        catch (OverflowException)
        {
            throw CheckpointReadException.Damaged(path, $"storage {storage.Key} declares {storage.Numel} elements, more bytes than 64 bits count");
        }
    }
}
