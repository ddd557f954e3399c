namespace SharpCam.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sharpcam-test-").FullName;

    /// <summary>Creates the parent folders of <paramref name="relative"/> and returns its full path.</summary>
    public string File(string relative)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>Creates the folder <paramref name="relative"/> (e.g. <c>FashionMNIST/raw</c>) and returns its full path.</summary>
    public string Folder(string relative) => Directory.CreateDirectory(System.IO.Path.Combine(Path, relative)).FullName;

    /// <summary>A path whose folder cannot be created: a regular file stands where a parent folder should be.</summary>
    public string PathUnderAFile(string name)
    {
        var blocker = File("not-a-folder.txt");
        System.IO.File.WriteAllText(blocker, "a file where an output folder should be");
        return System.IO.Path.Combine(blocker, "figures", name);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
