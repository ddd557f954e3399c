namespace SharpCam.IO;

/// <summary>
/// Paths that a file (a run's manifest) names relative to its folder must stay inside that folder: no absolute path,
/// no <c>..</c>, and no symbolic link whose target lies outside it. A report built from a crafted manifest would
/// otherwise embed any readable image on the machine.
/// </summary>
public static class ContainedPath
{
    /// <summary>Links followed while resolving one path, as the kernel's own limit (ELOOP).</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The full path of <paramref name="relative"/> inside <paramref name="root"/>, after following every symbolic
    /// link; throws <see cref="PathOutsideFolderException"/> naming both when it would leave the folder.
    /// </summary>
    public static string Resolve(string root, string relative)
    {
        if (string.IsNullOrWhiteSpace(relative)) throw new PathOutsideFolderException(root, relative, "it is empty");
        if (Path.IsPathRooted(relative)) throw new PathOutsideFolderException(root, relative, "it is an absolute path");
        var parts = relative.Split('/', '\\');
        if (parts.Contains("..")) throw new PathOutsideFolderException(root, relative, "it climbs out with '..'");
        var realRoot = RealPath(Path.GetFullPath(root));
        var real = RealPath(Path.Combine([realRoot, .. parts.Where(p => p is not ("" or "."))]));
        if (!IsInside(realRoot, real)) throw new PathOutsideFolderException(root, relative, $"a symbolic link takes it to {real}");
        return real;
    }

    private static bool IsInside(string root, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link along it replaced by its target (as realpath(3); missing parts are kept as named).</summary>
    private static string RealPath(string full)
    {
        var current = Path.GetPathRoot(full)!;
        var pending = new Queue<string>(full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        for (int links = 0; pending.Count > 0;)
        {
            var part = pending.Dequeue();
            if (part == ".") continue;
            if (part == "..") { current = Path.GetDirectoryName(current) ?? current; continue; }
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null) { current = next; continue; }
            if (++links > MaxLinks) throw new IOException($"{full}: more than {MaxLinks} symbolic links (a link loop?).");
            // Re-walk the target, then what was left of the path, from the link's folder (or from / for an absolute target).
            var rest = pending.ToList();
            var targetFull = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            current = Path.GetPathRoot(targetFull)!;
            pending = new Queue<string>(targetFull[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
        }
        return current;
    }
}

/// <summary>A path named relative to a folder that resolves outside it; the message names the path, the folder and why.</summary>
public sealed class PathOutsideFolderException(string root, string relative, string reason)
    : IOException($"Refusing '{relative}': it must name a file inside {root}, but {reason}.")
{
    public string RelativePath { get; } = relative;
    /// <summary>Why it is outside: absolute, '..', or the link target.</summary>
    public string Reason { get; } = reason;
}
