using SharpCam.IO;

namespace SharpCam.Tests.IO;

public class StagedFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharpcam-staged-").FullName;

    private const string OldManifest = """{ "tool": "sharpcam", "kind": "explain" }""";

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AForeignManifestDoesNotMakeAFolderReplaceable()
    {
        var target = Path.Combine(_root, "webapp");
        Directory.CreateDirectory(Path.Combine(target, "src"));
        File.WriteAllText(Path.Combine(target, "manifest.json"), """{ "name": "pwa" }""");
        File.WriteAllText(Path.Combine(target, "src", "app.js"), "precious");
        Assert.Contains("not a SharpCam run", Assert.Throws<IOException>(() => new StagedFolder(target)).Message);
        Assert.True(File.Exists(Path.Combine(target, "src", "app.js")));
    }

    [Fact]
    public void RefusesATargetThatContainsAnInputOfTheRun()
    {
        var target = Path.Combine(_root, "run");
        Directory.CreateDirectory(Path.Combine(target, "runs"));
        File.WriteAllText(Path.Combine(target, "manifest.json"), OldManifest);
        var checkpoint = Path.Combine(target, "runs", "last.dat");
        File.WriteAllText(checkpoint, "weights");
        var error = Assert.Throws<IOException>(() => new StagedFolder(target, null, checkpoint));
        Assert.Contains("last.dat", error.Message);
        Assert.True(File.Exists(checkpoint));
    }

    [Fact]
    public void CommitReplacesAPreviousRunAndLeavesNoStagingBehind()
    {
        var target = Path.Combine(_root, "run");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "manifest.json"), OldManifest);
        using (var staged = new StagedFolder(target))
        {
            File.WriteAllText(Path.Combine(staged.WorkPath, "manifest.json"), "new");
            staged.Commit();
        }
        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "manifest.json")));
        Assert.Equal(new[] { target }, Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void PathsInsideTheWorkFolderMapToTheirFinalPlace()
    {
        var target = Path.Combine(_root, "run");
        using var staged = new StagedFolder(target);
        Assert.Equal(Path.Combine(target, "runs", "a.dat"), staged.FinalPathOf(Path.Combine(staged.WorkPath, "runs", "a.dat")));
        Assert.Equal("/elsewhere/b.dat", staged.FinalPathOf("/elsewhere/b.dat"));
    }

    [Fact]
    public void AFailedRunKeepsThePreviousResultsUntouched()
    {
        var target = Path.Combine(_root, "run");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "manifest.json"), OldManifest);
        using (var staged = new StagedFolder(target))
            File.WriteAllText(Path.Combine(staged.WorkPath, "half.npy"), "partial");   // no Commit: the run failed
        Assert.Equal(OldManifest, File.ReadAllText(Path.Combine(target, "manifest.json")));
        Assert.Equal(new[] { target }, Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void RefusesToReplaceAFolderThatIsNotASharpCamRun()
    {
        var target = Path.Combine(_root, "photos");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "holiday.jpg"), "precious");
        var error = Assert.Throws<IOException>(() => new StagedFolder(target));
        Assert.Contains("not a SharpCam run", error.Message);
        Assert.True(File.Exists(Path.Combine(target, "holiday.jpg")));
    }

    /// <summary>A parent that cannot be a folder (a file stands there), and sysfs, where even root gets "access denied".</summary>
    [Fact]
    public void AnOutputFolderThatCannotBeWrittenIsNamedAsTheOutput()
    {
        var blocker = Path.Combine(_root, "not-a-folder.txt");
        File.WriteAllText(blocker, "a file where a folder should be");
        foreach (var target in new[] { Path.Combine(blocker, "run"), "/sys/sharpcam-unwritable-run" })
        {
            if (target.StartsWith("/sys/", StringComparison.Ordinal) && !Directory.Exists("/sys/kernel")) continue;
            var error = Assert.Throws<IOException>(() => new StagedFolder(target));
            Assert.StartsWith($"--out {target}: cannot write there (", error.Message);
        }
    }

    /// <summary>
    /// Issue 22: an existing read-only --out failed at the end of the run with "Access to the path is denied." It is
    /// refused before the run, by name. Read-only for root too: the immutable flag (chattr +i, as root); otherwise a
    /// parent without write permission.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]   // Unix file modes; SharpCam's tests run on Linux
    public void AnExistingReadOnlyOutputIsNamedWithTheFixBeforeTheRun()
    {
        var parent = Path.Combine(_root, "read-only");
        var target = Path.Combine(parent, "run");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "manifest.json"), OldManifest);
        bool immutable = Chattr("+i", target);
        if (!immutable && Environment.UserName == "root") return;   // root without chattr support: nothing is read-only to it
        if (!immutable) File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var error = Assert.Throws<IOException>(() => new StagedFolder(target));
            Assert.StartsWith($"--out {target}: the folder exists and cannot be replaced (", error.Message);
            Assert.Contains("chmod u+w", error.Message);
            Assert.Equal(OldManifest, File.ReadAllText(Path.Combine(target, "manifest.json")));
        }
        finally
        {
            if (immutable) Chattr("-i", target);
            else File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool Chattr(string flag, string path)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [flag, path])
                { RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;   // no chattr on this machine
        }
    }
}
