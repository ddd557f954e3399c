using SharpCam.Checkpoints.Pickle;
using static TorchSharp.torch;

namespace SharpCam.Checkpoints;

/// <summary>Turns pickled tensor descriptions into tensors: each storage is read once, each tensor is a strided view of it.</summary>
internal static class StorageViews
{
    /// <param name="readStorage">Reads one storage as a 1-D tensor of its element type and count.</param>
    public static Dictionary<string, Tensor> Materialize(IReadOnlyDictionary<string, TensorRef> tensors, Func<StorageRef, Tensor> readStorage, string path)
    {
        // Everything made here is freed if a later storage fails to read; only the finished views leave the scope.
        using var scope = NewDisposeScope();
        var storages = new Dictionary<string, Tensor>();
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, view) in tensors)
        {
            CheckBounds(name, view, path);
            if (!storages.TryGetValue(view.Storage.Key, out var storage))
                storages[view.Storage.Key] = storage = readStorage(view.Storage);
            result[name] = storage.as_strided(view.Shape, view.Stride, view.Offset);
        }
        foreach (var tensor in result.Values) tensor.MoveToOuterDisposeScope();
        return result;
    }

    private static void CheckBounds(string name, TensorRef view, string path)
    {
        if (view.Shape.Contains(0)) return;
        long last = view.Offset;
        for (int i = 0; i < view.Shape.Length; i++) last += (view.Shape[i] - 1) * view.Stride[i];
        if (last >= view.Storage.Numel)
            throw CheckpointReadException.Damaged(path, $"tensor '{name}' reaches element {last} of a storage that has {view.Storage.Numel}");
    }
}
