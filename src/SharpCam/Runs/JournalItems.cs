using System.Collections;
using System.Text.Json;
using SharpCam.Explanation;

namespace SharpCam.Runs;

/// <summary>
/// The explained items of a run's journal, in source order, read from the file when asked for: only each item's place
/// in the file is held (16 bytes), so a run's manifest costs the same memory for 300 items and for 50,000, and
/// <see cref="RunManifest.Save"/> streams them out one at a time.
/// </summary>
/// <remarks>
/// The file stays open for the list's lifetime: the run deletes its journal once the manifest is saved, and an open
/// file remains readable after it is unlinked, so the manifest a run returns can still list its items.
/// </remarks>
internal sealed class JournalItems : IReadOnlyList<ManifestItem>
{
    private readonly FileStream _file;
    private readonly (long Offset, int Length)[] _places;

    private JournalItems(FileStream file, (long Offset, int Length)[] places) => (_file, _places) = (file, places);

    /// <summary>
    /// Indexes the journal at <paramref name="path"/>: its items by source position, and its skipped items (few, and
    /// listed in full in the manifest). Reading parses every line once.
    /// </summary>
    public static (JournalItems Items, List<SkippedItem> Skipped) Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var places = new List<(long Position, long Offset, int Length)>();
        var skipped = new List<(long Position, SkippedItem Item)>();
        foreach (var (entry, offset, length) in RunJournal.ReadPlaces(file, path))
        {
            if (entry.Item is not null) places.Add((entry.Position, offset, length));
            else if (entry.Skipped is not null) skipped.Add((entry.Position, entry.Skipped));
        }
        var ordered = places.OrderBy(p => p.Position).Select(p => (p.Offset, p.Length)).ToArray();
        return (new JournalItems(file, ordered), skipped.OrderBy(s => s.Position).Select(s => s.Item).ToList());
    }

    public int Count => _places.Length;

    public ManifestItem this[int index] => Entry(index).Item!;

    /// <summary>The whole journal line of item <paramref name="index"/> (its loss and metrics too).</summary>
    public JournalEntry Entry(int index)
    {
        var (offset, length) = _places[index];
        var bytes = new byte[length];
        lock (_file)
        {
            _file.Position = offset;
            _file.ReadExactly(bytes);
        }
        return JsonSerializer.Deserialize<JournalEntry>(bytes, RunJournal.LineOptions)!;
    }

    /// <summary>Every item's journal line, in source order.</summary>
    public IEnumerable<JournalEntry> Entries()
    {
        for (int i = 0; i < Count; i++) yield return Entry(i);
    }

    /// <summary>The items at <paramref name="indices"/>, in that order, read from the same file.</summary>
    public JournalItems Subset(IEnumerable<int> indices) => new(_file, indices.Select(i => _places[i]).ToArray());

    public IEnumerator<ManifestItem> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
