using System.Security.Cryptography;
using SharpCam.Models;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Models;

/// <summary>
/// Weights resolution against a real HTTP server on 127.0.0.1 serving a real `.pth` (tests/fixtures/zoo/
/// lenet_5classes.pth, torch.save of a LeNet state dict with formula weights) under a torch.hub-style name carrying
/// its SHA-256 prefix.
/// </summary>
public class WeightsResolverTests
{
    private sealed class Published : IDisposable
    {
        public Published(string? nameOverride = null)
        {
            Bytes = File.ReadAllBytes(RepoPaths.Fixture("zoo/lenet_5classes.pth"));
            FileName = nameOverride ?? $"lenet-{Convert.ToHexStringLower(SHA256.HashData(Bytes))[..8]}.pth";
            Spec = ModelZoo.Get("lenet") with { WeightsFileName = FileName, WeightsUrl = new Uri("https://download.invalid/models/" + FileName) };
        }

        public TempFolder Folder { get; } = new();
        public string Cache => Path.Combine(Folder.Path, "cache", "hub", "checkpoints");
        public byte[] Bytes { get; }
        public string FileName { get; }
        public ModelSpec Spec { get; }

        public WeightsSource Source(Uri baseUrl, bool allowDownload = true) =>
            new() { CacheDirectory = Cache, BaseUrl = baseUrl, AllowDownload = allowDownload };

        public IEnumerable<string> CachedFiles() => Directory.Exists(Cache) ? Directory.EnumerateFiles(Cache) : [];

        public void Dispose() => Folder.Dispose();
    }

    [Fact]
    public void DownloadsIntoTheCacheOnceAndTheFileLoads()
    {
        using var published = new Published();
        using var server = new LoopbackServer(new() { [published.FileName] = published.Bytes });
        var progress = new ProgressLog();

        var first = WeightsResolver.Resolve(published.Spec, null, published.Source(server.Files), progress);
        Assert.Equal((Path.Combine(published.Cache, published.FileName), WeightsOrigin.Download), (first.Path, first.Origin));
        Assert.Equal(published.Bytes, File.ReadAllBytes(first.Path));
        Assert.Equal([first.Path], published.CachedFiles());
        var last = progress.Reports[^1];
        Assert.Equal(($"download {published.FileName}", published.Bytes.Length, published.Bytes.Length), (last.Task, last.Done, last.Total));

        var second = WeightsResolver.Resolve(published.Spec, null, published.Source(server.Files));
        Assert.Equal((first.Path, WeightsOrigin.Cache), (second.Path, second.Origin));
        Assert.Equal(1, server.Requests);

        using var loaded = ZooModel.FromFile(published.Spec, second);
        Assert.Equal(5, loaded.NumClasses);
        ZooModelTests.AssertHasFormulaWeights(loaded.Model, 5);
    }

    [Fact]
    public void AHashMismatchLeavesNothingInTheCache()
    {
        using var published = new Published("lenet-0badc0de.pth");
        using var server = new LoopbackServer(new() { [published.FileName] = published.Bytes });
        var error = Assert.Throws<InvalidDataException>(() => WeightsResolver.Resolve(published.Spec, null, published.Source(server.Files)));
        Assert.Contains("0badc0de", error.Message);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(published.Bytes)), error.Message);
        Assert.Empty(published.CachedFiles());
    }

    [Fact]
    public void AnUnreachableServerSaysWhatToDownloadAndWhereToPutIt()
    {
        using var published = new Published();
        var closed = new Uri($"http://127.0.0.1:{LoopbackServer.ClosedPort()}/models/");
        var error = Assert.Throws<WeightsUnavailableException>(() => WeightsResolver.Resolve(published.Spec, null, published.Source(closed)));
        Assert.Contains(new Uri(closed, published.FileName).AbsoluteUri, error.Message);
        Assert.Contains(Path.Combine(published.Cache, published.FileName), error.Message);
        Assert.Contains("--weights", error.Message);
        Assert.Empty(published.CachedFiles());
    }

    [Fact]
    public void AFileMissingOnTheServerOrDownloadsSwitchedOffGiveTheSameAdvice()
    {
        using var published = new Published();
        using var server = new LoopbackServer([]);
        Assert.Contains("404", Assert.Throws<WeightsUnavailableException>(
            () => WeightsResolver.Resolve(published.Spec, null, published.Source(server.Files))).Message);
        var offline = Assert.Throws<WeightsUnavailableException>(
            () => WeightsResolver.Resolve(published.Spec, null, published.Source(server.Files, allowDownload: false)));
        Assert.Contains(Path.Combine(published.Cache, published.FileName), offline.Message);
        Assert.Equal(1, server.Requests);
        Assert.Empty(published.CachedFiles());
    }

    [Fact]
    public void TheUsersFileComesFirstAndAMissingOneIsNamed()
    {
        using var published = new Published();
        var file = published.Folder.File("mine.pth");
        File.WriteAllBytes(file, published.Bytes);
        var closed = new Uri($"http://127.0.0.1:{LoopbackServer.ClosedPort()}/");
        Assert.Equal(WeightsOrigin.UserFile, WeightsResolver.Resolve(published.Spec, file, published.Source(closed)).Origin);
        var missing = Path.Combine(published.Folder.Path, "nope.pth");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => WeightsResolver.Resolve(published.Spec, missing)).Message);
    }

    [Fact]
    public void ModelsWithoutPublishedWeightsNeedTheUsersFile()
    {
        Assert.Contains("--weights", Assert.Throws<WeightsUnavailableException>(() => WeightsResolver.Resolve(ModelZoo.Get("lenet"), null)).Message);
    }
}
