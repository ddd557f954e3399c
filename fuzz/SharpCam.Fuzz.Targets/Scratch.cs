namespace SharpCam.Fuzz;

/// <summary>
/// Where a harness puts the input for a reader that takes a path: one private folder per process, the same file names
/// every time (afl runs one input at a time), so nothing accumulates over millions of executions.
/// </summary>
public sealed class Scratch : IDisposable
{
    public Scratch() => Folder = Directory.CreateTempSubdirectory("sharpcam-fuzz-").FullName;

    public string Folder { get; }

    /// <summary>Writes <paramref name="bytes"/> to FOLDER/NAME (replacing what an earlier input left) and returns its path.</summary>
    public string Write(string name, ReadOnlySpan<byte> bytes)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    /// <summary>Removes FOLDER/NAME if an earlier input left it.</summary>
    public void Remove(string name) => File.Delete(Path.Combine(Folder, name));

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
