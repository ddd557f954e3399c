namespace SharpCam.Server;

/// <summary>How `sharpcam serve` runs: where, on what, and the limits that keep one model on two cores responsive.</summary>
public sealed record ServeOptions
{
    public const string Loopback = "127.0.0.1";

    /// <summary>The run folder (holds manifest.json) written by explain, failures or demo.</summary>
    public required string RunDir { get; init; }

    /// <summary>Address to bind; anything but loopback exposes the model and the run's images to the network.</summary>
    public string Host { get; init; } = Loopback;

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 8765;

    /// <summary>Where the model runs: cpu, cuda, cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Largest upload accepted, in bytes (a 20 MB JPEG is already a 40-megapixel photo).</summary>
    public long MaxUploadBytes { get; init; } = 20L << 20;

    /// <summary>Largest decoded upload, in pixels (width × height), checked from the file header before decoding.</summary>
    public long MaxUploadPixels { get; init; } = 40_000_000;

    /// <summary>Largest JSON request body, in bytes.</summary>
    public long MaxJsonBytes { get; init; } = 16 << 10;

    /// <summary>Model calls that may wait behind the running one; more are answered 429 at once.</summary>
    public int QueueLength { get; init; } = 4;

    /// <summary>Longest side of a picture as the page shows it (photos are scaled down to it; maps are drawn at it).</summary>
    public int DisplaySide { get; init; } = 768;

    /// <summary>Explanations kept for downloads and metrics, and pictures kept decoded; older ones are forgotten.</summary>
    public int ResultsKept { get; init; } = 64;

    public bool IsLoopback => Host is Loopback or "localhost" or "::1";
}
