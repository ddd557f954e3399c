namespace SharpCam.Tests.Build;

/// <summary>Walks the ELF files of build output folders and reports every need that a bare machine cannot meet.</summary>
public static class NativeClosure
{
    /// <summary>
    /// Checks every ELF file under <paramref name="roots"/>. A need is met by a file of that name in the same folder
    /// (the loader finds it through $ORIGIN or after .NET loaded it; that file is checked in turn) or by
    /// <paramref name="allowed"/>; a name with a GUI prefix fails either way. Returns the files read and one line per problem.
    /// </summary>
    public static (IReadOnlyList<ElfFile> Files, IReadOnlyList<string> Problems) Check(
        IEnumerable<string> roots, IReadOnlySet<string> allowed, IReadOnlyList<string> guiPrefixes)
    {
        var files = new List<ElfFile>();
        var problems = new List<string>();
        bool IsGui(string name) => guiPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        foreach (var root in roots.Where(Directory.Exists))
        foreach (var folder in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            var elves = Directory.EnumerateFiles(folder).Where(ElfFile.IsElf).Select(ElfFile.Read).ToList();
            var shipped = elves.Select(e => Path.GetFileName(e.Path)).ToHashSet(StringComparer.Ordinal);
            files.AddRange(elves);
            foreach (var elf in elves)
            {
                var who = Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(root))!, elf.Path);
                if (IsGui(Path.GetFileName(elf.Path))) problems.Add($"{who} is a GUI toolkit library and is shipped.");
                foreach (var need in elf.Needed)
                {
                    if (IsGui(need)) problems.Add($"{who} needs {need}, a GUI toolkit / X11 / Wayland library.");
                    else if (!shipped.Contains(need) && !allowed.Contains(need))
                        problems.Add($"{who} needs {need}, which is neither shipped beside it nor on a bare .NET SDK machine.");
                }
            }
        }
        return (files, problems);
    }
}
