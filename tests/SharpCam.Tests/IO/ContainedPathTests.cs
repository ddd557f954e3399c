using SharpCam.IO;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.IO;

/// <summary>Containment of manifest paths on a real folder with real symbolic links.</summary>
public class ContainedPathTests
{
    [Fact]
    public void PathsInsideTheFolderResolveThroughLinksThatStayInside()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        File.WriteAllText(temp.File("run/figures/a.png"), "a");
        File.CreateSymbolicLink(Path.Combine(run, "figures", "alias.png"), "a.png");
        Directory.CreateSymbolicLink(Path.Combine(run, "pictures"), "figures");
        Assert.Equal(Path.Combine(run, "figures", "a.png"), ContainedPath.Resolve(run, "figures/a.png"));
        Assert.Equal(Path.Combine(run, "figures", "a.png"), ContainedPath.Resolve(run, "figures/alias.png"));
        Assert.Equal(Path.Combine(run, "figures", "a.png"), ContainedPath.Resolve(run, "./pictures/a.png"));
    }

    [Theory]
    [InlineData("../outside.png", "it climbs out with '..'")]
    [InlineData("figures/../../outside.png", "it climbs out with '..'")]
    [InlineData("/etc/passwd", "it is an absolute path")]
    [InlineData("", "it is empty")]
    public void PathsThatLeaveTheFolderByNameAreRefused(string relative, string reason)
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        var error = Assert.Throws<PathOutsideFolderException>(() => ContainedPath.Resolve(run, relative));
        Assert.Equal(reason, error.Reason);
        Assert.Contains($"'{relative}'", error.Message);
        Assert.Contains(run, error.Message);
    }

    [Fact]
    public void LinksWhoseTargetIsOutsideAreRefusedWhereverTheyAreOnThePath()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        var secret = temp.File("private/photo.png");
        File.WriteAllText(secret, "private");
        File.CreateSymbolicLink(temp.File("run/figures/leak.png"), secret);
        Directory.CreateSymbolicLink(Path.Combine(run, "maps"), Path.GetDirectoryName(secret)!);
        File.CreateSymbolicLink(temp.File("run/figures/relative.png"), "../../private/photo.png");
        foreach (var relative in new[] { "figures/leak.png", "maps/photo.png", "figures/relative.png" })
        {
            var error = Assert.Throws<PathOutsideFolderException>(() => ContainedPath.Resolve(run, relative));
            Assert.Equal($"a symbolic link takes it to {secret}", error.Reason);
        }
    }

    [Fact]
    public void ALinkLoopIsAnErrorNotAHang()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        File.CreateSymbolicLink(Path.Combine(run, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(run, "b"), "a");
        Assert.Throws<IOException>(() => ContainedPath.Resolve(run, "a"));
    }
}
