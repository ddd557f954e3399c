namespace SharpCam.Models;

/// <summary>
/// Where published weights are looked for and fetched from. The defaults are torch.hub's: the cache folder
/// `$TORCH_HOME/hub/checkpoints` (TORCH_HOME defaults to `$XDG_CACHE_HOME/torch`, then `~/.cache/torch`), so files
/// PyTorch has downloaded are reused, and torchvision's download server.
/// </summary>
public sealed record WeightsSource
{
    /// <summary>The folder holding weight files under their canonical names.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>Replaces the folder of the official URL (https://download.pytorch.org/models/), e.g. for a mirror.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>False: never download; a missing file is an error that says where to put it.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>torch.hub's checkpoint folder for the current environment.</summary>
    public static string DefaultCacheDirectory()
    {
        var torchHome = Environment.GetEnvironmentVariable("TORCH_HOME");
        if (string.IsNullOrEmpty(torchHome))
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            torchHome = Path.Combine(string.IsNullOrEmpty(cache) ? Path.Combine(Home(), ".cache") : ExpandHome(cache), "torch");
        }
        return Path.Combine(ExpandHome(torchHome), "hub", "checkpoints");
    }

    /// <summary>The URL the weights of <paramref name="spec"/> are downloaded from.</summary>
    public Uri UrlFor(ModelSpec spec)
    {
        if (spec.WeightsFileName is null || spec.WeightsUrl is null)
            throw new InvalidOperationException($"{spec.Name} has no published weights.");
        if (BaseUrl is null) return spec.WeightsUrl;
        var folder = BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
        return new Uri(folder, Uri.EscapeDataString(spec.WeightsFileName));
    }

    private static string Home() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? Home() + path[1..] : path;
}
