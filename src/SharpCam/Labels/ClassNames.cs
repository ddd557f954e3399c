using System.Globalization;

namespace SharpCam.Labels;

/// <summary>
/// A model's class names in index order, and the lookups users need: a class given as an index or a name, and an
/// ImageFolder directory name matched to a class.
/// </summary>
public sealed class ClassNames
{
    private static readonly Lazy<ClassNames> ImageNetNames = new(LoadImageNet);

    public ClassNames(IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new ArgumentException("A class list needs at least one name.");
        Names = names.ToArray();
    }

    private ClassNames() => Names = [];

    /// <summary>The names of a model without class scores (a featurizer): none, so no photo gets a true label.</summary>
    public static ClassNames None { get; } = new();

    /// <summary>The 1000 ImageNet-1k classes as torchvision names them (embedded; see Labels/imagenet_classes.ORIGIN.md).</summary>
    public static ClassNames ImageNet => ImageNetNames.Value;

    /// <summary>Names "0", "1", … for a model whose classes have no names.</summary>
    public static ClassNames Indices(int count) =>
        new(Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());

    /// <summary>
    /// The names for a model with <paramref name="numClasses"/> outputs: the label file if given (its count must
    /// match), else ImageNet's for 1000 classes, else the indices.
    /// </summary>
    public static ClassNames For(int numClasses, string? labelFile = null)
    {
        if (labelFile is null) return numClasses == 1000 ? ImageNet : Indices(numClasses);
        var names = LabelFile.Read(labelFile);
        if (names.Count != numClasses)
            throw new ArgumentException(
                $"{labelFile} names {names.Count} classes, but the model has {numClasses}. Give a label file with one name per class.", "LabelsFile");
        return names;
    }

    public IReadOnlyList<string> Names { get; }
    public int Count => Names.Count;
    public string this[int index] => Names[index];

    /// <summary>The name of a class, or its index as text when the model has more outputs than names.</summary>
    public string NameOf(int index) => index >= 0 && index < Count ? Names[index] : index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The index of a class given as an index ("281") or a name: exact, then case-insensitive, then a unique
    /// case-insensitive prefix ("tab" → "tabby" only if no other name starts so). Ambiguous or unknown names fail
    /// with the candidates.
    /// </summary>
    public int Resolve(string indexOrName)
    {
        var text = indexOrName.Trim();
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            return index >= 0 && index < Count
                ? index
                : throw new ArgumentException($"Class {index} is out of range: the model has {Count} classes (0–{Count - 1}).");
        foreach (var comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
        {
            var exact = Matching(n => string.Equals(n, text, comparison));
            if (exact.Count == 1) return exact[0];
            if (exact.Count > 1) throw Ambiguous(text, exact);
        }
        var prefixed = Matching(n => n.StartsWith(text, StringComparison.OrdinalIgnoreCase));
        return prefixed.Count switch
        {
            1 => prefixed[0],
            0 => throw new ArgumentException(
                $"No class is named '{text}'. Give an index (0–{Count - 1}) or a class name, or the start of one."),
            _ => throw Ambiguous(text, prefixed),
        };
    }

    /// <summary>
    /// The class an ImageFolder directory stands for, or null: an index ("207"), or a name compared without case
    /// and with '_' as ' ' ("golden_retriever"), whole or its first comma-separated synonym ("tench" for
    /// "tench, Tinca tinca"). Names matching several classes give null.
    /// </summary>
    public int? MatchFolder(string folderName)
    {
        if (int.TryParse(folderName, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return index < Count ? index : null;
        var wanted = folderName.Replace('_', ' ').Trim();
        foreach (var candidate in new Func<string, string>[] { n => n, n => n.Split(',')[0].Trim() })
        {
            var found = Matching(n => string.Equals(candidate(n), wanted, StringComparison.OrdinalIgnoreCase));
            if (found.Count > 0) return found.Count == 1 ? found[0] : null;
        }
        return null;
    }

    private List<int> Matching(Func<string, bool> predicate) =>
        Enumerable.Range(0, Count).Where(i => predicate(Names[i])).ToList();

    private ArgumentException Ambiguous(string text, List<int> candidates) =>
        new($"Class '{text}' is ambiguous: {string.Join(", ", candidates.Take(20).Select(i => $"{Names[i]} ({i})"))}" +
            (candidates.Count > 20 ? $" and {candidates.Count - 20} more" : "") + ". Give the index or more of the name.");

    private static ClassNames LoadImageNet()
    {
        using var stream = typeof(ClassNames).Assembly.GetManifestResourceStream("SharpCam.Labels.imagenet_classes.txt")
            ?? throw new InvalidOperationException("The embedded ImageNet class list is missing from the SharpCam assembly.");
        using var reader = new StreamReader(stream);
        return new ClassNames(reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
