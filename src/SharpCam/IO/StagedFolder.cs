namespace SharpCam.IO;

/// <summary>
/// An output folder written as a whole: everything goes into a hidden staging folder beside the target, and only
/// <see cref="Commit"/> moves it into place. A run that fails leaves the previous results untouched and no
/// half-written folder behind. An existing target is replaced only when it is a previous SharpCam run (it has a
/// manifest.json) or empty, so a mistyped --out never wipes unrelated files.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private bool _committed;

    public StagedFolder(string target)
    {
        Target = Path.GetFullPath(target);
        if (File.Exists(Target)) throw new IOException($"--out {target}: a file of that name exists; name a folder.");
        if (Directory.Exists(Target) && Directory.EnumerateFileSystemEntries(Target).Any()
            && !File.Exists(Path.Combine(Target, "manifest.json")))
            throw new IOException($"--out {target}: the folder exists and is not a SharpCam run (no manifest.json); " +
                                  "choose an empty or new folder so nothing of yours is overwritten.");
        var parent = Path.GetDirectoryName(Target)!;
        Directory.CreateDirectory(parent);
        WorkPath = Path.Combine(parent, $".{Path.GetFileName(Target)}.staging-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(WorkPath);
    }

    /// <summary>The folder the final result will be in.</summary>
    public string Target { get; }

    /// <summary>Where to write while the run is in progress.</summary>
    public string WorkPath { get; }

    /// <summary>Where a file written under <see cref="WorkPath"/> will be once the folder is committed.</summary>
    public string FinalPathOf(string path)
    {
        var relative = Path.GetRelativePath(WorkPath, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : Path.Combine(Target, relative);
    }

    /// <summary>Replaces the target with the staged folder.</summary>
    public void Commit()
    {
        if (Directory.Exists(Target))
        {
            var old = WorkPath + ".old";
            Directory.Move(Target, old);
            Directory.Move(WorkPath, Target);
            Directory.Delete(old, recursive: true);
        }
        else Directory.Move(WorkPath, Target);
        _committed = true;
    }

    /// <summary>Removes the staging folder if the run did not commit.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(WorkPath)) Directory.Delete(WorkPath, recursive: true);
    }
}
