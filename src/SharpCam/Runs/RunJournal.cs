using System.Text.Json;
using System.Text.Json.Serialization;
using SharpCam.Explanation;

namespace SharpCam.Runs;

/// <summary>
/// One finished item of a run, as one line of its journal: the manifest item (or why it was skipped), and what the
/// manifest's sections are built from at the end.
/// </summary>
public sealed record JournalEntry
{
    /// <summary>Position of the item in the source, from 0: a resumed run skips these, the manifest is ordered by them.</summary>
    [JsonPropertyName("position")] public required long Position { get; init; }
    [JsonPropertyName("item")] public ManifestItem? Item { get; init; }
    [JsonPropertyName("skipped")] public SkippedItem? Skipped { get; init; }
    /// <summary>Cross-entropy of the true class (failure analysis: the set's test loss is their mean).</summary>
    [JsonPropertyName("loss")] public double? Loss { get; init; }
    /// <summary>Faithfulness values of this item's map, by metric name (explain --metrics).</summary>
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}

/// <summary>
/// A run's journal of finished items (JSON Lines): appended and flushed to disk once per batch, so a run killed at any
/// moment loses at most the batch in flight. Every line is written whole; a torn last line (the process died inside the
/// write) is ignored when read and cut off before more is appended.
/// </summary>
public sealed class RunJournal : IDisposable
{
    public const string FileName = "journal.jsonl";

    private static readonly JsonSerializerOptions LineOptions = new()
    {
        WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A line saying null where an entry has a value is refused on reading (found by fuzz/journal).</summary>
    private static readonly JsonSerializerOptions ReadOptions = IO.JsonNulls.Reading(LineOptions);

    private readonly FileStream _stream;

    private RunJournal(FileStream stream) => _stream = stream;

    /// <summary>The entries of the journal at <paramref name="path"/> (none if there is no file), without a torn last line.</summary>
    public static IReadOnlyList<JournalEntry> Read(string path) => File.Exists(path) ? Parse(path, File.ReadAllBytes(path)).Entries : [];

    /// <summary>Opens the journal for appending, first cutting off a torn last line.</summary>
    public static RunJournal Open(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var whole = Parse(path, bytes).WholeLength;
        stream.SetLength(whole);
        stream.Position = whole;
        return new RunJournal(stream);
    }

    /// <summary>Appends one batch of entries as whole lines and flushes them to disk.</summary>
    public void Append(IReadOnlyCollection<JournalEntry> entries)
    {
        if (entries.Count == 0) return;
        var buffer = new MemoryStream();
        foreach (var entry in entries)
        {
            JsonSerializer.Serialize(buffer, entry, LineOptions);
            buffer.WriteByte((byte)'\n');
        }
        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    private static (List<JournalEntry> Entries, long WholeLength) Parse(string path, byte[] bytes)
    {
        var entries = new List<JournalEntry>();
        int start = 0, line = 0;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) break;   // torn last line
            line++;
            try
            {
                var entry = JsonSerializer.Deserialize<JournalEntry>(bytes.AsSpan(start, end - start), ReadOptions)
                            ?? throw new JsonException("null entry");
                IO.JsonNulls.RefuseNullElements(entry, "entry");
                entries.Add(entry);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {line}: not a journal entry ({e.Message}). Start the run again without --resume.", e);
            }
            start = end + 1;
        }
        return (entries, start);
    }
}
