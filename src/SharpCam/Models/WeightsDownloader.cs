using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SharpCam.IO;

namespace SharpCam.Models;

/// <summary>Downloads weight files the way torch.hub does: the hex digits in the file name must start its SHA-256.</summary>
public static partial class WeightsDownloader
{
    /// <summary>
    /// The expected SHA-256 prefix carried by a file name ("vgg16-397923af.pth" → "397923af"), found as torch.hub
    /// finds it (the first "-hexdigits." in the name); null when the name carries none.
    /// </summary>
    public static string? HashPrefix(string fileName)
    {
        var match = HashInName().Match(fileName);
        return match.Success && match.Groups[1].Length > 0 ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="destination"/>, checking the SHA-256 against the prefix in
    /// the destination's file name. The file appears only when complete and verified; on any failure nothing is left.
    /// Progress is reported in bytes under the task "download &lt;file&gt;" (Total 0 when the server sends no length).
    /// </summary>
    /// <exception cref="HttpRequestException">The server cannot be reached or answers with an error status.</exception>
    /// <exception cref="InvalidDataException">The downloaded bytes do not have the expected hash.</exception>
    public static void Download(Uri url, string destination, IProgress<ProgressUpdate>? progress = null,
                                CancellationToken cancellation = default)
    {
        var fileName = Path.GetFileName(destination);
        var expected = HashPrefix(fileName);
        using var http = new HttpClient();
        using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, cancellation);
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength ?? 0;
        using var body = response.Content.ReadAsStream(cancellation);
        var task = "download " + fileName;
        AtomicFile.Write(destination, file =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            long done = 0;
            int read;
            progress?.Report(new ProgressUpdate(task, 0, total));
            while ((read = body.Read(buffer)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                file.Write(buffer, 0, read);
                sha.AppendData(buffer, 0, read);
                done += read;
                progress?.Report(new ProgressUpdate(task, done, total));
            }
            var digest = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (expected is not null && !digest.StartsWith(expected, StringComparison.Ordinal))
                throw new InvalidDataException(
                    $"The download of {url} is corrupt: its SHA-256 is {digest}, but the file name {fileName} says it starts with " +
                    $"{expected}. Nothing was kept; try again, or download it yourself and place it at {destination}.");
        });
    }

    [GeneratedRegex("-([a-f0-9]*)\\.")]
    private static partial Regex HashInName();
}
