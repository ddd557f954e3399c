using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SharpCam.IO;

/// <summary>
/// An output folder written as a whole: everything goes into a hidden staging folder beside the target, and only
/// <see cref="Commit"/> moves it into place. A run that fails leaves the previous results untouched and no
/// half-written folder behind. An existing target is replaced only when it is empty or a previous SharpCam run (its
/// manifest.json says "tool": "sharpcam"; <see cref="ReplacesPreviousRun"/> tells the caller to say so), and never when
/// one of the run's own inputs lies inside it, so a mistyped --out cannot wipe unrelated files.
/// </summary>
/// <remarks>
/// A staging folder records the process writing it (<c>.owner</c>: process id and start time). A staging folder of this
/// target whose owner is gone (a killed run) is removed by the next run, unless that run resumes it: a resumable
/// folder (<see cref="Resumable"/>) has a fixed name, is kept by <see cref="Keep"/> when the run is interrupted, and is
/// picked up again by a run with <c>resume</c>. A staging folder whose owner is still running is never touched.
/// </remarks>
public sealed class StagedFolder : IDisposable
{
    private const string StagingMarker = ".staging", OwnerFile = ".owner", InterruptedFile = ".interrupted";
    private bool _committed, _kept;

    /// <param name="target">The output folder.</param>
    /// <param name="inputs">Files and folders the run reads; none may lie inside <paramref name="target"/>.</param>
    public StagedFolder(string target, params string?[] inputs) : this(target, resumable: false, resume: false, inputs) { }

    private StagedFolder(string target, bool resumable, bool resume, string?[] inputs)
    {
        Target = Path.GetFullPath(target);
        if (File.Exists(Target)) throw new IOException($"--out {target}: a file of that name exists; name a folder.");
        foreach (var input in inputs.OfType<string>().Select(Path.GetFullPath))
            if (input == Target || input.StartsWith(Target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new IOException($"--out {target} contains {input}, which this run reads, and would be replaced by the run's " +
                                      "output; choose another output folder.");
        if (Directory.Exists(Target) && Directory.EnumerateFileSystemEntries(Target).Any())
            ReplacesPreviousRun = IsSharpCamRun(Target) ? true
                : throw new IOException($"--out {target}: the folder exists and is not a SharpCam run (no SharpCam manifest.json); " +
                                        "choose an empty or new folder so nothing of yours is overwritten.");
        var parent = Path.GetDirectoryName(Target)!;
        var resumablePath = Path.Combine(parent, $".{Path.GetFileName(Target)}{StagingMarker}");
        WorkPath = resumable ? resumablePath : $"{resumablePath}-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw CannotWrite(target, e);
        }
        RemoveAbandoned(parent, resumablePath, resume);   // its own messages name the run that holds the folder
        if (Directory.Exists(Target)) CheckReplaceable(target);
        try
        {
            Resumed = resume && Directory.Exists(WorkPath);
            if (Resumed)
            {
                AtomicFile.RemoveTemporaries(WorkPath);
                File.Delete(Path.Combine(WorkPath, InterruptedFile));
            }
            Directory.CreateDirectory(WorkPath);
            AtomicFile.WriteAllText(Path.Combine(WorkPath, OwnerFile), OwnerStamp(Process.GetCurrentProcess()));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw CannotWrite(target, e);
        }
    }

    /// <summary>
    /// An existing target is replaced by renaming it, so a read-only one (immutable, on a read-only mount, in a folder
    /// the user cannot write) would fail only at <see cref="Commit"/>, after the whole run, with .NET's "Access to the
    /// path is denied." naming no path. The same rename, there and back at once, is the one test that holds for every
    /// such case (and for root, whom permission bits do not stop).
    /// </summary>
    private void CheckReplaceable(string target)
    {
        var probe = WorkPath + ".probe";
        try
        {
            Directory.Move(Target, probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"--out {target}: the folder exists and cannot be replaced ({e.Message}); make it and its parent " +
                                  $"writable (chmod u+w, chattr -i) or choose another output folder.", e);
        }
        Directory.Move(probe, Target);
    }

    /// <summary>.NET names the hidden staging folder, or nothing: say which output folder cannot be written.</summary>
    private static IOException CannotWrite(string target, Exception e) =>
        new($"--out {target}: cannot write there ({e.Message}). Choose a folder you can create and write to.", e);

    /// <summary>
    /// A staging folder with a fixed name beside <paramref name="target"/>, kept when the run is interrupted
    /// (<see cref="Keep"/>); with <paramref name="resume"/> the one a previous run left is continued, otherwise it is
    /// removed first. Throws when another live process is writing it.
    /// </summary>
    public static StagedFolder Resumable(string target, bool resume, params string?[] inputs) => new(target, resumable: true, resume, inputs);

    /// <summary>The folder the final result will be in.</summary>
    public string Target { get; }

    /// <summary>Where to write while the run is in progress.</summary>
    public string WorkPath { get; }

    /// <summary>The staging folder was left by an earlier run and is being continued.</summary>
    public bool Resumed { get; }

    /// <summary>The target holds a previous SharpCam run, which <see cref="Commit"/> replaces.</summary>
    public bool ReplacesPreviousRun { get; }

    /// <summary>Where a file written under <see cref="WorkPath"/> will be once the folder is committed.</summary>
    public string FinalPathOf(string path)
    {
        var relative = Path.GetRelativePath(WorkPath, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : Path.Combine(Target, relative);
    }

    /// <summary>Replaces the target with the staged folder; if the swap fails, the previous results are put back.</summary>
    public void Commit()
    {
        File.Delete(Path.Combine(WorkPath, OwnerFile));
        try
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
                _committed = true;
                RemoveReplaced(old);
            }
            else Directory.Move(WorkPath, Target);
        }
        catch (Exception e) when (!_committed && e is UnauthorizedAccessException or IOException)
        {
            throw CannotWrite(Target, e);
        }
        _committed = true;
    }

    /// <summary>The previous run, moved aside: the new one is in place, so a failure here only leaves it to remove by hand.</summary>
    private void RemoveReplaced(string old)
    {
        try
        {
            Directory.Delete(old, recursive: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"--out {Target} was written, but the previous run moved aside to {old} cannot be removed " +
                                  $"({e.Message}); make it writable and delete it.", e);
        }
    }

    /// <summary>Leaves the staging folder in place for a later run to resume (an interrupted run calls this).</summary>
    public void Keep()
    {
        File.WriteAllText(Path.Combine(WorkPath, InterruptedFile), "");
        File.Delete(Path.Combine(WorkPath, OwnerFile));
        _kept = true;
    }

    /// <summary>Removes the staging folder if the run neither committed nor kept it.</summary>
    public void Dispose()
    {
        if (!_committed && !_kept && Directory.Exists(WorkPath)) Directory.Delete(WorkPath, recursive: true);
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

    /// <summary>
    /// Staging folders of this target whose writer is gone: a killed run's (owner file of a dead process) or an
    /// interrupted one's, except the resumable one when <paramref name="resume"/> is set. A folder without an owner file
    /// that is younger than a minute may be one a live run has only just created, and is left alone.
    /// </summary>
    private void RemoveAbandoned(string parent, string resumablePath, bool resume)
    {
        foreach (var staging in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(Target)}{StagingMarker}*"))
        {
            var owner = Path.Combine(staging, OwnerFile);
            if (File.Exists(owner) && IsAlive(File.ReadAllText(owner)))
                throw new IOException($"--out {Target}: another SharpCam run (process {File.ReadAllText(owner).Split(' ')[0]}) is writing " +
                                      $"{staging}; wait for it to finish or stop it.");
            if (staging == resumablePath && resume) continue;
            if (File.Exists(owner) || File.Exists(Path.Combine(staging, InterruptedFile)) || staging == resumablePath
                || Directory.GetLastWriteTimeUtc(staging) < DateTime.UtcNow.AddMinutes(-1))
                Directory.Delete(staging, recursive: true);
        }
    }

    private static string OwnerStamp(Process process) =>
        $"{process.Id} {process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)}";

    private static bool IsAlive(string stamp)
    {
        var parts = stamp.Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var pid)) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && OwnerStamp(process) == stamp.Trim();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
