using System.Globalization;
using System.Text.Json;

namespace SharpCam.Labels;

/// <summary>
/// Reads user label files (--labels): the notebook's Python dict literal (imagenet1000_clsidx_to_labels.txt,
/// `{0: 'tench, Tinca tinca', ...}`) or a Python list literal; JSON (`.json`: a list of names, or an object
/// {"0": "name", ...}); or plain text with one name per line. A file whose first line (after blank and # comment
/// lines) starts with '{' or '[' is a literal; any other is plain text, whose lines are names as written (never
/// code). Indexes must be exactly 0 … n-1.
/// </summary>
public static class LabelFile
{
    public static ClassNames Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Label file not found: {path}", path);
        var text = File.ReadAllText(path).Replace("\r\n", "\n");  // universal newlines, as Python reads files
        if (Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)) return FromJson(text, path);
        var first = string.Concat(text.Split('\n').SkipWhile(l => l.Trim().Length == 0 || l.TrimStart().StartsWith('#'))
            .Take(1)).TrimStart();
        if (first.StartsWith('{') || first.StartsWith('['))
            return FromEntries(PythonLiteral.Parse(text, path).Select(e => (e.Index, e.Name, $"line {e.Line}, column {e.Column}")), path);
        return FromLines(text, path);
    }

    private static ClassNames FromLines(string text, string path)
    {
        var lines = text.Split('\n').ToList();
        while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        var blank = lines.FindIndex(l => l.Trim().Length == 0);
        if (blank >= 0)
            throw new FormatException($"{path}: line {blank + 1} is empty. A plain label file has one class name per line, in index order.");
        if (lines.Count == 0) throw new FormatException($"{path}: the label file is empty.");
        return new ClassNames(lines.Select(l => l.Trim()).ToArray());
    }

    private static ClassNames FromJson(string text, string path)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not valid JSON ({e.Message}).", e);
        }
        const string expected = "a JSON label file holds a list of names [\"tench\", ...] or an object {\"0\": \"tench\", ...}";
        var entries = new List<(int, string, string)>();
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var (item, i) in root.EnumerateArray().Select((item, i) => (item, i)))
                    entries.Add((i, item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new FormatException($"{path}: item {i} is not a string; {expected}."), $"item {i}"));
                break;
            case JsonValueKind.Object:
                foreach (var property in root.EnumerateObject())
                {
                    if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                        throw new FormatException($"{path}: key \"{property.Name}\" is not a class index; {expected}.");
                    if (property.Value.ValueKind != JsonValueKind.String)
                        throw new FormatException($"{path}: the value of \"{property.Name}\" is not a string; {expected}.");
                    entries.Add((index, property.Value.GetString()!, $"key \"{property.Name}\""));
                }
                break;
            default:
                throw new FormatException($"{path}: {expected}.");
        }
        return FromEntries(entries, path);
    }

    /// <summary>Entries (index, name, where) to names in index order; indexes must be 0 … n-1, each once.</summary>
    private static ClassNames FromEntries(IEnumerable<(int Index, string Name, string Where)> entries, string path)
    {
        var byIndex = new Dictionary<int, string>();
        foreach (var (index, name, where) in entries)
        {
            if (!byIndex.TryAdd(index, name))
                throw new FormatException($"{path}: {where}: class index {index} appears twice.");
            if (name.Trim().Length == 0) throw new FormatException($"{path}: {where}: the name of class {index} is empty.");
        }
        if (byIndex.Count == 0) throw new FormatException($"{path}: the label file names no classes.");
        var missing = Enumerable.Range(0, byIndex.Count).Where(i => !byIndex.ContainsKey(i)).ToList();
        if (missing.Count > 0)
            throw new FormatException(
                $"{path}: class indexes must run from 0 to {byIndex.Count - 1} without gaps; missing: " +
                string.Join(", ", missing.Take(10)) + (missing.Count > 10 ? ", …" : "") + ".");
        return new ClassNames(Enumerable.Range(0, byIndex.Count).Select(i => byIndex[i]).ToArray());
    }
}
