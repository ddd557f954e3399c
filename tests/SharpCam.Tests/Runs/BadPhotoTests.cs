using System.Buffers.Binary;
using SharpCam.Explanation;
using SharpCam.Tests.Cli;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Runs;

/// <summary>A folder of real photos with a damaged JPEG and a PNG that declares 20000×20000 pixels among them.</summary>
[Collection(CliRunner.Collection)]
public class BadPhotoTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string PhotoFolder()
    {
        var folder = _temp.Folder("photos");
        foreach (var photo in new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg" })
            File.Copy(Path.Combine(RepoPaths.Root, "samples", photo), Path.Combine(folder, photo));
        // A JPEG that stops after its first 300 bytes' worth of header, the rest overwritten: no decoder can make a picture of it.
        var damaged = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "samples", "rocket.jpg"))[..300];
        Array.Fill(damaged, (byte)0x5A, 20, 280);
        File.WriteAllBytes(Path.Combine(folder, "broken.jpg"), damaged);
        File.WriteAllBytes(Path.Combine(folder, "huge.png"), HugePngHeader(20000, 20000));
        return folder;
    }

    /// <summary>A PNG signature and IHDR claiming <paramref name="width"/>×<paramref name="height"/>, and nothing more: refused before decoding.</summary>
    private static byte[] HugePngHeader(int width, int height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8; bytes[25] = 2;   // 8-bit RGB
        return bytes;
    }

    private static string[] Explain(string images, string outDir, params string[] extra) =>
    [
        "explain", "--model", "resnet18", "--weights", SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"),
        "--images", images, "--figures", "none", "--batch-size", "2", "--out", outDir, .. extra,
    ];

    [SharedDataFact]
    public void EveryGoodPhotoIsExplainedAndTheBadOnesAreListedWithTheirReasons()
    {
        var outDir = Path.Combine(_temp.Path, "out");
        var (code, output) = CliRunner.Run(Explain(PhotoFolder(), outDir));
        Assert.True(code == 0, output);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal(["0000-astronaut", "0002-chelsea", "0003-coffee", "0005-rocket"], manifest.Items.Select(i => i.Id));
        var skipped = manifest.Skipped!;
        Assert.Equal(["0001-broken", "0004-huge"], skipped.Select(s => s.Id));
        Assert.Contains("broken.jpg", skipped[0].Reason);
        Assert.Contains("20000×20000", skipped[1].Reason);
        Assert.Contains("--max-pixels", skipped[1].Reason);
        Assert.Contains("skipped:", output);
        Assert.Contains("broken.jpg", output);
    }

    [SharedDataFact]
    public void StrictStopsAtTheFirstBadFileAndNamesIt()
    {
        var outDir = Path.Combine(_temp.Path, "strict");
        var (code, output) = CliRunner.Run(Explain(PhotoFolder(), outDir, "--strict"));
        Assert.Equal(1, code);
        Assert.Contains("broken.jpg", output);
        Assert.Contains("--strict", output);
        Assert.False(Directory.Exists(outDir));
    }

    [SharedDataFact]
    public void MaxPixelsRefusesPhotosAboveTheLimitByName()
    {
        var outDir = Path.Combine(_temp.Path, "small");
        // With a limit of one pixel every photo is refused from its header: nothing can run, and the error says why.
        var (code, output) = CliRunner.Run(Explain(PhotoFolder(), outDir, "--max-pixels", "1"));
        Assert.Equal(1, code);   // nothing left to explain
        Assert.Contains("--max-pixels 1", output);
    }

    public void Dispose() => _temp.Dispose();
}
