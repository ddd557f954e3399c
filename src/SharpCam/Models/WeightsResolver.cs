namespace SharpCam.Models;

/// <summary>How a weights file was found.</summary>
public enum WeightsOrigin
{
    /// <summary>Given by the user (--weights).</summary>
    UserFile,
    /// <summary>Already in the cache under its canonical name.</summary>
    Cache,
    /// <summary>Downloaded into the cache just now.</summary>
    Download,
}

/// <summary>A weights file on disk and how it was found.</summary>
public sealed record ResolvedWeights(string Path, WeightsOrigin Origin);

/// <summary>Finds the weights for a zoo model: the user's file, else the cached canonical file, else a download.</summary>
public static class WeightsResolver
{
    public static ResolvedWeights Resolve(ModelSpec spec, string? userFile, WeightsSource? source = null,
                                          IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        if (userFile is not null)
        {
            if (!File.Exists(userFile))
                throw new FileNotFoundException($"--weights {userFile}: no such file. Give the path of a checkpoint or state dict.", userFile);
            return new ResolvedWeights(Path.GetFullPath(userFile), WeightsOrigin.UserFile);
        }
        if (spec.WeightsFileName is null)
            throw new WeightsUnavailableException(
                $"{spec.Name} has no published weights. Pass --weights FILE with a checkpoint of your own.");

        source ??= new WeightsSource();
        var cached = Path.Combine(source.CacheDirectory, spec.WeightsFileName);
        if (File.Exists(cached)) return new ResolvedWeights(cached, WeightsOrigin.Cache);

        var url = source.UrlFor(spec);
        if (!source.AllowDownload)
            throw Unavailable(spec, url, cached, "downloads are switched off");
        try
        {
            WeightsDownloader.Download(url, cached, progress, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable(spec, url, cached, e.Message);
        }
        return new ResolvedWeights(cached, WeightsOrigin.Download);
    }

    private static WeightsUnavailableException Unavailable(ModelSpec spec, Uri url, string cached, string reason) =>
        new($"The {spec.Name} weights {spec.WeightsFileName} are not in the cache and could not be downloaded ({reason}). " +
            $"Download {url} on a machine with internet access and place it at {cached} (set TORCH_HOME to use another " +
            "cache folder), or pass --weights FILE.");
}

/// <summary>Weights that are neither given, nor cached, nor downloadable; the message says how to provide them.</summary>
public sealed class WeightsUnavailableException(string message) : Exception(message);
