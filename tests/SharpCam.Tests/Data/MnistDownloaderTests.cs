using SharpCam.Data;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Data;

/// <summary>
/// The downloader against a real HTTP server on 127.0.0.1 serving the real sample .gz files (whose MD5s the fixture
/// script computed with Python's hashlib), and against a closed loopback port.
/// </summary>
public class MnistDownloaderTests
{
    private static readonly string[] Names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private static IReadOnlyList<MnistRemoteFile> SampleFiles() =>
        Names.Select(n => new MnistRemoteFile(n, DataReference.Json.GetProperty("mnist_sample_md5").GetProperty(n).GetString()!)).ToList();

    [Fact]
    public async Task DownloadsVerifiesAndReportsProgress()
    {
        using var server = LoopbackServer.ServingFolder(DataReference.SampleFolder);
        using var cache = new TempFolder();
        var downloader = new MnistDownloader(cache.File("mnist"), [server.Files], SampleFiles());

        var progress = new ProgressLog();
        var folder = await downloader.DownloadAsync(progress);

        Assert.Equal(cache.File("mnist"), folder);
        Assert.Equal(Names.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        foreach (var name in Names)
        {
            Assert.Equal(File.ReadAllBytes(DataReference.SamplePath(name)), File.ReadAllBytes(Path.Combine(folder, name)));
            var last = progress.Reports.Last(u => u.Task == $"download {name}");
            Assert.Equal((new FileInfo(DataReference.SamplePath(name)).Length, last.Done), (last.Total, last.Total));
        }
        using var test = MnistDataset.Load(folder, MnistSplit.Test);
        Assert.Equal(1000, test.Count);
    }

    [Fact]
    public async Task SkipsValidFilesAndReplacesDamagedOnes()
    {
        using var server = LoopbackServer.ServingFolder(DataReference.SampleFolder);
        using var cache = new TempFolder();
        var downloader = new MnistDownloader(cache.Path, [server.Files], SampleFiles());
        await downloader.DownloadAsync();
        Assert.Equal(4, server.Requests);

        await downloader.DownloadAsync();
        Assert.Equal(4, server.Requests);

        File.WriteAllBytes(cache.File("t10k-labels-idx1-ubyte.gz"), [1, 2, 3]);
        await downloader.DownloadAsync();
        Assert.Equal(5, server.Requests);
        Assert.Equal(File.ReadAllBytes(DataReference.SamplePath("t10k-labels-idx1-ubyte.gz")), File.ReadAllBytes(cache.File("t10k-labels-idx1-ubyte.gz")));
    }

    [Fact]
    public async Task ChecksumMismatchLeavesNothingInTheCache()
    {
        using var server = LoopbackServer.ServingFolder(DataReference.SampleFolder);
        using var cache = new TempFolder();
        // The official checksums do not match the sample's bytes.
        var downloader = new MnistDownloader(cache.File("mnist"), [server.Files]);

        var e = await Assert.ThrowsAsync<IOException>(() => downloader.DownloadAsync());

        var uri = new Uri(server.Files, "train-images-idx3-ubyte.gz");
        Assert.StartsWith($"Could not download train-images-idx3-ubyte.gz: {uri} sent 1451981 bytes whose MD5 is " +
                          "a6cedadca184df19a54e158a52bf4304, not the expected f68b3c2dcbeaaa9fbdd348bbdeb94873. " +
                          $"Nothing was saved for it in {cache.File("mnist")}.", e.Message);
        Assert.EndsWith("pass --data DIR.", e.Message);
        Assert.False(Directory.Exists(cache.File("mnist")) && Directory.EnumerateFileSystemEntries(cache.File("mnist")).Any());
    }

    [Fact]
    public async Task UnreachableMirrorSaysSoAndHowToGoOn()
    {
        using var cache = new TempFolder();
        var mirror = new Uri($"http://127.0.0.1:{LoopbackServer.ClosedPort()}/mnist/");
        var downloader = new MnistDownloader(cache.File("mnist"), [mirror]);

        var e = await Assert.ThrowsAsync<IOException>(() => downloader.DownloadAsync());

        Assert.StartsWith($"Could not reach {mirror}; no network here? Put the four files (train-images-idx3-ubyte.gz, " +
                          "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in a folder " +
                          "and pass --data DIR. (could not reach " + mirror + "train-images-idx3-ubyte.gz (", e.Message);
        Assert.Contains("refused", e.Message);
        Assert.False(Directory.Exists(cache.File("mnist")));
    }

    [Fact]
    public async Task FallsBackToTheNextMirror()
    {
        using var server = LoopbackServer.ServingFolder(DataReference.SampleFolder);
        using var cache = new TempFolder();
        var closed = new Uri($"http://127.0.0.1:{LoopbackServer.ClosedPort()}/");
        var notFound = new Uri(server.BaseUri, "elsewhere"); // no trailing slash on purpose: still a folder
        var downloader = new MnistDownloader(cache.Path, [closed, notFound, server.Files], SampleFiles());

        await downloader.DownloadAsync();

        Assert.Equal(8, server.Requests); // per file: one 404 from "elsewhere/", then the file
        Assert.Equal(4, Directory.GetFiles(cache.Path).Length);
    }

    [Fact]
    public void DefaultCacheIsUnderSharpCamCacheWhenSet()
    {
        var before = Environment.GetEnvironmentVariable(MnistDownloader.CacheVariable);
        try
        {
            Environment.SetEnvironmentVariable(MnistDownloader.CacheVariable, "/var/cache/somewhere");
            Assert.Equal("/var/cache/somewhere/mnist", MnistDownloader.DefaultCacheFolder);
            Environment.SetEnvironmentVariable(MnistDownloader.CacheVariable, null);
            Assert.EndsWith("/sharpcam/mnist", MnistDownloader.DefaultCacheFolder);
        }
        finally
        {
            Environment.SetEnvironmentVariable(MnistDownloader.CacheVariable, before);
        }
    }
}
