using SharpCam.Tests.Support;

namespace SharpCam.Tests.Build;

/// <summary>
/// Every native library we ship (the CLI's and the tests' build outputs) must load on a bare .NET SDK machine:
/// each DT_NEEDED of each ELF file there is either shipped beside it (and then checked in turn) or in
/// <see cref="BareImage"/>. A GUI toolkit, X11 or Wayland library anywhere fails, shipped or not.
/// </summary>
public class NativeDependencyTests
{
    /// <summary>
    /// What the official .NET SDK image (Debian 12, mcr.microsoft.com/dotnet/sdk) and any glibc Linux with the
    /// .NET runtime has: glibc's libraries (libc, libm, libdl, libpthread, librt, the loader), the C++ runtime the
    /// .NET host itself needs (libstdc++, libgcc_s) and zlib. Nothing we ship needs fontconfig or freetype (SkiaSharp's
    /// NoDependencies build; figures use the bundled font), so they are not allowed either.
    /// </summary>
    public static readonly IReadOnlySet<string> BareImage = new HashSet<string>(StringComparer.Ordinal)
    {
        "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2",
        "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1",
    };

    /// <summary>Name prefixes of desktop libraries: a headless command-line tool must need none of them.</summary>
    public static readonly IReadOnlyList<string> GuiPrefixes =
    [
        "libgtk", "libgdk", "libX", "libxcb", "libxkb", "libwayland", "libcairo", "libpango", "libatk", "libQt", "libGL",
        "libEGL", "libgbm", "libdrm", "libepoxy",
    ];

    [Fact]
    public void EveryShippedNativeLibraryNeedsOnlyShippedOrBareImageLibraries()
    {
        var folders = new[] { "src/SharpCam.Cli/bin", "tests/SharpCam.Tests/bin" }.Select(f => Path.Combine(RepoPaths.Root, f)).ToList();
        var (checkedFiles, problems) = NativeClosure.Check(folders, BareImage, GuiPrefixes);
        // Guards against a vacuous pass: the libraries we know we ship were found and read.
        Assert.Contains(checkedFiles, f => Path.GetFileName(f.Path) == "libSkiaSharp.so" && f.Needed.Contains("libc.so.6"));
        Assert.Contains(checkedFiles, f => Path.GetFileName(f.Path) == "libtorch_cpu.so" && f.Needed.Contains("libc10.so"));
        Assert.True(problems.Count == 0, $"{problems.Count} native dependency problem(s) (a file left by an older build? delete the bin folders and rebuild):\n"
                                         + string.Join("\n", problems.Take(40)));
    }

    [Fact]
    public void ReadsTheNeededLibrariesOfTheRuntime()
    {
        // The .NET runtime this test runs on needs only what a bare image has, by definition of the allowlist.
        var dotnet = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "libcoreclr.so");
        var needed = ElfFile.Read(dotnet).Needed;
        Assert.Contains("libc.so.6", needed);
        Assert.All(needed, n => Assert.Contains(n, BareImage));
    }

    [Fact]
    public void AGuiLibraryIsReportedWithWhoNeedsIt()
    {
        // A real shipped ELF file, checked against an allowlist without libpthread and with libpthread listed as
        // a GUI library: both rules must name the file and the library.
        var folder = Path.GetDirectoryName(typeof(NativeDependencyTests).Assembly.Location)!;
        var bare = BareImage.Where(n => n != "libpthread.so.0").ToHashSet();
        var (_, problems) = NativeClosure.Check([folder], bare, ["libpthread"]);
        Assert.Contains(problems, p => p.Contains("libSkiaSharp.so") && p.Contains("libpthread.so.0") && p.Contains("GUI"));
    }
}
