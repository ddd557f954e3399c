using System.Text.Json;

namespace SharpCam.IO;

/// <summary>
/// An output folder written as a whole: everything goes into a hidden staging folder beside the target, and only
/// <see cref="Commit"/> moves it into place. A run that fails leaves the previous results untouched and no
/// half-written folder behind. An existing target is replaced only when it is empty or a previous SharpCam run (its
/// manifest.json says "tool": "sharpcam"), and never when one of the run's own inputs lies inside it, so a mistyped
/// --out cannot wipe unrelated files.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private const string StagingMarker = ".staging-";
    private bool _committed;

    /// <param name="target">The output folder.</param>
    /// <param name="inputs">Files and folders the run reads; none may lie inside <paramref name="target"/>.</param>
    public StagedFolder(string target, params string?[] inputs)
    {
        Target = Path.GetFullPath(target);
        if (File.Exists(Target)) throw new IOException($"--out {target}: a file of that name exists; name a folder.");
        foreach (var input in inputs.OfType<string>().Select(Path.GetFullPath))
            if (input == Target || input.StartsWith(Target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new IOException($"--out {target} contains {input}, which this run reads, and would be replaced by the run's " +
                                      "output; choose another output folder.");
        if (Directory.Exists(Target) && Directory.EnumerateFileSystemEntries(Target).Any() && !IsSharpCamRun(Target))
            throw new IOException($"--out {target}: the folder exists and is not a SharpCam run (no SharpCam manifest.json); " +
                                  "choose an empty or new folder so nothing of yours is overwritten.");
        var parent = Path.GetDirectoryName(Target)!;
        WorkPath = Path.Combine(parent, $".{Path.GetFileName(Target)}{StagingMarker}{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            Directory.CreateDirectory(parent);
            RemoveStaleStaging(parent);
            Directory.CreateDirectory(WorkPath);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // .NET names the hidden staging folder, or nothing: say which output folder cannot be written.
            throw new IOException($"--out {target}: cannot write there ({e.Message}). Choose a folder you can create and write to.", e);
        }
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

    /// <summary>Replaces the target with the staged folder; if the swap fails, the previous results are put back.</summary>
    public void Commit()
    {
        if (Directory.Exists(Target))
        {
            var old = WorkPath + ".old";
            Directory.Move(Target, old);
            try
            {
                Directory.Move(WorkPath, Target);
            }
            catch
            {
                Directory.Move(old, Target);
                throw;
            }
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

    private static bool IsSharpCamRun(string folder)
    {
        var manifest = Path.Combine(folder, "manifest.json");
        if (!File.Exists(manifest)) return false;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(manifest));
            return json.RootElement.ValueKind == JsonValueKind.Object
                   && json.RootElement.TryGetProperty("tool", out var tool) && tool.ValueKind == JsonValueKind.String
                   && tool.GetString() == "sharpcam";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Staging folders of this target left by a killed run (older than a day, so none in use is touched).</summary>
    private void RemoveStaleStaging(string parent)
    {
        foreach (var stale in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(Target)}{StagingMarker}*"))
            if (Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddDays(-1))
                Directory.Delete(stale, recursive: true);
    }
}
