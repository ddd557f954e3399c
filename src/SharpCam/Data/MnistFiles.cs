namespace SharpCam.Data;

/// <summary>The four standard MNIST-format file names, and finding them (with or without .gz) in a folder.</summary>
public static class MnistFiles
{
    public static string ImagesName(MnistSplit split) => $"{Prefix(split)}-images-idx3-ubyte";

    public static string LabelsName(MnistSplit split) => $"{Prefix(split)}-labels-idx1-ubyte";

    /// <summary>All four names without .gz, training files first.</summary>
    public static IReadOnlyList<string> StandardNames { get; } =
        [ImagesName(MnistSplit.Train), LabelsName(MnistSplit.Train), ImagesName(MnistSplit.Test), LabelsName(MnistSplit.Test)];

    /// <summary>
    /// The path of <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="folder"/> (the
    /// uncompressed one when both are there, as torchvision reads). Throws, listing what was expected and what the
    /// folder holds, when neither exists.
    /// </summary>
    public static string Locate(string folder, string name)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"The data folder {folder} does not exist; pass a folder holding {Expected()}.");
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(
            $"The data folder {folder} has no {name} (nor {name}.gz). An MNIST-format folder holds {Expected()}; " +
            $"this one holds {Contents(folder)}. Rename the files to the standard names or pass the folder that has them.",
            Path.Combine(folder, name));
    }

    private static string Prefix(MnistSplit split) => split switch
    {
        MnistSplit.Train => "train",
        MnistSplit.Test => "t10k",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    private static string Expected() => string.Join(", ", StandardNames.Select(n => n + "[.gz]"));

    private static string Contents(string folder)
    {
        var entries = Directory.EnumerateFileSystemEntries(folder)
            .Select(e => Path.GetFileName(e) + (Directory.Exists(e) ? "/" : ""))
            .Order(StringComparer.Ordinal)
            .ToList();
        const int shown = 20;
        return entries.Count switch
        {
            0 => "nothing",
            <= shown => string.Join(", ", entries),
            _ => string.Join(", ", entries.Take(shown)) + $" and {entries.Count - shown} more",
        };
    }
}
