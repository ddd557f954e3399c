using static TorchSharp.torch;

namespace SharpCam.Onnx;

/// <summary>
/// The values an <see cref="OnnxModel"/> computes from Shape nodes (sizes for reshapes, padding, masks), kept per
/// input shape and device so later forwards of that shape skip those steps. A few shapes are kept (a run uses one
/// batch size, and the last batch another); beyond that the oldest is dropped.
/// </summary>
internal sealed class ShapeValueCache : IDisposable
{
    private const int Capacity = 4;
    private readonly List<(string Key, Dictionary<string, Tensor> Values)> _entries = [];

    private static string Key(Tensor input) => $"{string.Join("x", input.shape)}@{input.device}";

    public Dictionary<string, Tensor>? Lookup(Tensor input)
    {
        var key = Key(input);
        lock (_entries) return _entries.FirstOrDefault(e => e.Key == key).Values;
    }

    /// <summary>Keeps <paramref name="values"/> (detached from the caller's dispose scope) for inputs shaped as <paramref name="input"/>.</summary>
    public void Add(Tensor input, Dictionary<string, Tensor> values)
    {
        // a value may be a view of a constant (an Identity): keep a copy, owned here
        var owned = values.ToDictionary(v => v.Key, v => v.Value.detach().clone().DetachFromDisposeScope());
        lock (_entries)
        {
            _entries.Add((Key(input), owned));
            if (_entries.Count <= Capacity) return;
            foreach (var t in _entries[0].Values.Values) t.Dispose();
            _entries.RemoveAt(0);
        }
    }

    public void Dispose()
    {
        lock (_entries)
        {
            foreach (var (_, values) in _entries)
                foreach (var t in values.Values) t.Dispose();
            _entries.Clear();
        }
    }
}
