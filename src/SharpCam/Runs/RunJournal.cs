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

    internal static readonly JsonSerializerOptions LineOptions = new()
    {
        WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A line saying null where an entry has a value is refused on reading (found by fuzz/journal).</summary>
    private static readonly JsonSerializerOptions ReadOptions = IO.JsonNulls.Reading(LineOptions);

    private readonly FileStream _stream;

    private RunJournal(FileStream stream) => _stream = stream;

    /// <summary>The entries of the journal at <paramref name="path"/> (none if there is no file), without a torn last line.</summary>
    public static IReadOnlyList<JournalEntry> Read(string path) => ReadEach(path).ToList();

    /// <summary>
    /// The entries of the journal at <paramref name="path"/> one at a time, in file order, without a torn last line:
    /// only the line being parsed is in memory, however long the run.
    /// </summary>
    public static IEnumerable<JournalEntry> ReadEach(string path)
    {
        if (!File.Exists(path)) yield break;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        foreach (var (entry, _, _) in ReadPlaces(stream, path)) yield return entry;
    }

    /// <summary>Each whole line of <paramref name="stream"/> from its start: the entry, and where its line lies in the file.</summary>
    internal static IEnumerable<(JournalEntry Entry, long Offset, int Length)> ReadPlaces(Stream stream, string path)
    {
        var reader = new BufferedStream(stream, 1 << 16);
        var line = new MemoryStream();
        long offset = 0, start = 0;
        int number = 0, next;
        while ((next = reader.ReadByte()) >= 0)
        {
            offset++;
            if (next != '\n')
            {
                line.WriteByte((byte)next);
                continue;
            }
            var length = (int)line.Length;
            yield return (ParseLine(path, ++number, line.GetBuffer().AsSpan(0, length)), start, length);
            line.SetLength(0);
            start = offset;
        }
        // Bytes after the last newline are a torn last line: ignored.
    }

    private static JournalEntry ParseLine(string path, int number, ReadOnlySpan<byte> line)
    {
        try
        {
            var entry = JsonSerializer.Deserialize<JournalEntry>(line, ReadOptions) ?? throw new JsonException("null entry");
            IO.JsonNulls.RefuseNullElements(entry, "entry");
            return entry;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}, line {number}: not a journal entry ({e.Message}). Start the run again instead of resuming it.", e);
        }
    }

    /// <summary>Opens the journal for appending, first cutting off a torn last line.</summary>
    public static RunJournal Open(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var whole = WholeLength(stream);
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

    /// <summary>The length of the journal's whole lines (up to its last newline): what a torn last line is cut to.</summary>
    private static long WholeLength(FileStream stream)
    {
        var buffer = new byte[1 << 16];
        for (long end = stream.Length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            stream.Position = start;
            stream.ReadExactly(buffer, 0, (int)(end - start));
            var last = Array.LastIndexOf(buffer, (byte)'\n', (int)(end - start) - 1);
            if (last >= 0) return start + last + 1;
            end = start;
        }
        return 0;
    }
}
