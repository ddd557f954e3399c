namespace SharpCam.IO;

/// <summary>Writes files so a reader never sees a half-written one: temporary name in the same folder, then rename.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = File.Create(temp)) write(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Temporaries under <paramref name="folder"/> left by a process killed inside <see cref="Write"/>.</summary>
    public static void RemoveTemporaries(string folder)
    {
        foreach (var temp in Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories))
            if (Path.GetFileNameWithoutExtension(temp) is var name && name.Length > 9 && name[^9] == '.'
                && name[^8..].All(char.IsAsciiHexDigitLower))
                File.Delete(temp);
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream => { using var writer = new StreamWriter(stream); writer.Write(text); });
}
