namespace SharpCam.Server;

/// <summary>A thread-safe map that keeps only the <c>capacity</c> most recently used entries, so memory stays flat.</summary>
public sealed class BoundedCache<TValue>(int capacity) where TValue : class
{
    private readonly Dictionary<string, LinkedListNode<(string Key, TValue Value)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, TValue Value)> _recent = new();
    private readonly Lock _lock = new();

    public int Count { get { lock (_lock) return _index.Count; } }

    public void Add(string key, TValue value)
    {
        lock (_lock)
        {
            if (_index.Remove(key, out var old)) _recent.Remove(old);
            _index[key] = _recent.AddFirst((key, value));
            while (_index.Count > capacity)
            {
                _index.Remove(_recent.Last!.Value.Key);
                _recent.RemoveLast();
            }
        }
    }

    public TValue? Find(string key)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node)) return null;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Value;
        }
    }

    /// <summary>The cached value, or a new one made by <paramref name="create"/> (outside the lock) and kept.</summary>
    public TValue GetOrAdd(string key, Func<TValue> create)
    {
        if (Find(key) is { } found) return found;
        var made = create();
        Add(key, made);
        return made;
    }
}
