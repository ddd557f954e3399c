using System.Diagnostics;

namespace SharpCam.Tests.Onnx;

/// <summary>The test oracle's native library needs only the C/C++ runtime (it must load on a bare machine).</summary>
public class OnnxRuntimeNativeTests
{
    private static readonly string[] Allowed =
        ["libc.so.6", "libstdc++.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libgcc_s.so.1", "ld-linux-x86-64.so.2"];

    [Fact]
    public void Libonnxruntime_needs_only_the_c_runtime()
    {
        var library = Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so");
        if (!OperatingSystem.IsLinux()) return;   // the check reads ELF
        Assert.True(File.Exists(library), $"{library} is missing");
        using var readelf = Process.Start(new ProcessStartInfo("readelf", ["-d", library]) { RedirectStandardOutput = true })!;
        var needed = readelf.StandardOutput.ReadToEnd().Split('\n').Where(l => l.Contains("(NEEDED)"))
            .Select(l => l[(l.IndexOf('[') + 1)..l.IndexOf(']')]).ToList();
        readelf.WaitForExit();
        Assert.NotEmpty(needed);
        Assert.All(needed, n => Assert.Contains(n, Allowed));
    }
}
