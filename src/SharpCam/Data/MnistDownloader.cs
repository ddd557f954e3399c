using System.Security.Cryptography;
using SharpCam.IO;

namespace SharpCam.Data;

/// <summary>A file to download and the MD5 checksum (lower-case hex) its bytes must have.</summary>
public sealed record MnistRemoteFile(string Name, string Md5);

/// <summary>
/// Downloads the four MNIST files into a cache folder, from torchvision's mirrors with torchvision's checksums
/// (torchvision 0.14, datasets/mnist.py), trying the mirrors in order. A file is kept only when its MD5 matches, and
/// is written atomically, so the cache never holds a partial or wrong file; files already there and valid are not
/// downloaded again. The result is a folder for <see cref="MnistDataset.Load"/>.
/// </summary>
public sealed class MnistDownloader
{
    /// <summary>Environment variable naming SharpCam's cache root; MNIST goes to its "mnist" subfolder.</summary>
    public const string CacheVariable = "SHARPCAM_CACHE";

    public static IReadOnlyList<Uri> OfficialMirrors { get; } =
    [
        new("http://yann.lecun.com/exdb/mnist/"),
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
    ];

    public static IReadOnlyList<MnistRemoteFile> OfficialFiles { get; } =
    [
        new("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        new("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        new("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        new("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ];

    /// <summary>$SHARPCAM_CACHE/mnist when that variable is set, else $XDG_CACHE_HOME/sharpcam/mnist, else ~/.cache/sharpcam/mnist.</summary>
    public static string DefaultCacheFolder
    {
        get
        {
            var root = Environment.GetEnvironmentVariable(CacheVariable);
            if (!string.IsNullOrEmpty(root)) return Path.Combine(root, "mnist");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var cache = !string.IsNullOrEmpty(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "sharpcam", "mnist");
        }
    }

    // One client for the process (the usual HttpClient practice); a dead network fails at connect, not after minutes.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromMinutes(10),
    };

    /// <param name="cacheFolder">Where the files go; default <see cref="DefaultCacheFolder"/>.</param>
    /// <param name="mirrors">Base addresses tried in order for each file; default <see cref="OfficialMirrors"/>.</param>
    /// <param name="files">Names and checksums; default <see cref="OfficialFiles"/>.</param>
    public MnistDownloader(string? cacheFolder = null, IReadOnlyList<Uri>? mirrors = null, IReadOnlyList<MnistRemoteFile>? files = null)
    {
        CacheFolder = Path.GetFullPath(cacheFolder ?? DefaultCacheFolder);
        // A base address without a trailing slash would lose its last segment when the file name is appended.
        Mirrors = (mirrors ?? OfficialMirrors).Select(m => m.AbsoluteUri.EndsWith('/') ? m : new Uri(m.AbsoluteUri + "/")).ToList();
        Files = files ?? OfficialFiles;
        if (Mirrors.Count == 0) throw new ArgumentException("At least one mirror is needed.", nameof(mirrors));
    }

    public string CacheFolder { get; }

    public IReadOnlyList<Uri> Mirrors { get; }

    public IReadOnlyList<MnistRemoteFile> Files { get; }

    /// <summary>
    /// Makes sure every file is in <see cref="CacheFolder"/> with the right checksum, downloading what is missing or
    /// wrong; reports bytes per file ("download NAME"). Returns <see cref="CacheFolder"/>.
    /// </summary>
    public async Task<string> DownloadAsync(IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        foreach (var file in Files) await FetchAsync(file, progress, cancellationToken);
        return CacheFolder;
    }

    private async Task FetchAsync(MnistRemoteFile file, IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        var target = Path.Combine(CacheFolder, file.Name);
        var task = $"download {file.Name}";
        if (File.Exists(target) && Md5(await File.ReadAllBytesAsync(target, cancellationToken)) == file.Md5)
        {
            progress?.Report(new ProgressUpdate(task, 1, 1, "already downloaded"));
            return;
        }
        var failures = new List<(bool Unreachable, string Reason)>();
        foreach (var mirror in Mirrors)
        {
            var uri = new Uri(mirror, file.Name);
            try
            {
                var bytes = await GetAsync(uri, task, progress, cancellationToken);
                var md5 = Md5(bytes);
                if (md5 == file.Md5)
                {
                    AtomicFile.Write(target, stream => stream.Write(bytes));
                    return;
                }
                failures.Add((false, $"{uri} sent {bytes.Length} bytes whose MD5 is {md5}, not the expected {file.Md5}"));
            }
            catch (HttpRequestException e) when (e.StatusCode is { } status)
            {
                failures.Add((false, $"{uri} answered {(int)status} {status}"));
            }
            catch (Exception e) when (e is HttpRequestException or IOException
                                      || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add((true, $"could not reach {uri} ({e.Message})"));
            }
        }
        throw Failure(file, failures);
    }

    private static async Task<byte[]> GetAsync(Uri uri, string task, IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        long total = response.Content.Headers.ContentLength ?? 0;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        // In memory until the checksum is known: the largest MNIST file is under 10 MB.
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        for (int n; (n = await body.ReadAsync(chunk, cancellationToken)) > 0;)
        {
            buffer.Write(chunk, 0, n);
            progress?.Report(new ProgressUpdate(task, buffer.Length, Math.Max(total, buffer.Length)));
        }
        return buffer.ToArray();
    }

    private IOException Failure(MnistRemoteFile file, List<(bool Unreachable, string Reason)> failures)
    {
        var manual = $"Put the four files ({string.Join(", ", Files.Select(f => f.Name))}) in a folder and pass --data DIR.";
        if (failures.All(f => f.Unreachable))
            return new IOException(
                $"Could not reach {string.Join(" or ", Mirrors.Select(m => m.AbsoluteUri))}; no network here? {manual} " +
                $"({string.Join("; ", failures.Select(f => f.Reason))})");
        return new IOException(
            $"Could not download {file.Name}: {string.Join("; ", failures.Select(f => f.Reason))}. " +
            $"Nothing was saved for it in {CacheFolder}. Try again later, or: {manual}");
    }

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
}
