namespace SharpCam.Checkpoints;

/// <summary>
/// The limits a checkpoint must keep before SharpCam allocates anything for it, so a small hostile file cannot exhaust
/// memory. Each is checked against what the file declares, before the data is read (docs/LIMITS.md lists them all).
/// </summary>
public static class CheckpointLimits
{
    /// <summary>A torch pickle (<c>data.pkl</c>) holds names and shapes only: a few hundred KiB even for ResNet-152.</summary>
    public const long MaxPickleBytes = 64L << 20;

    /// <summary>Hyper-parameter values kept from a checkpoint (a shared-reference graph would otherwise expand exponentially).</summary>
    public const int MaxHyperParameterValues = 10_000;

    /// <summary>
    /// How much a compressed zip entry may inflate. torch.save stores entries uncompressed; a re-zipped file of real
    /// float weights compresses by well under 2×, while a zip bomb of zeros inflates about 1000×.
    /// </summary>
    public const long MaxInflationRatio = 20;

    /// <summary>Entries this small may inflate any amount (a zero-filled bias compresses to almost nothing).</summary>
    public const long SmallEntryBytes = 1L << 20;

    /// <summary>Fails unless a zip entry's declared size is within <see cref="MaxInflationRatio"/> of its compressed size.</summary>
    internal static void CheckInflation(System.IO.Compression.ZipArchiveEntry entry, string path)
    {
        if (entry.Length > SmallEntryBytes && entry.Length / MaxInflationRatio > entry.CompressedLength)
            throw CheckpointReadException.Damaged(path,
                $"{entry.FullName} is compressed {entry.CompressedLength:N0} bytes that would inflate to {entry.Length:N0} " +
                $"(over {MaxInflationRatio}×; torch.save never compresses), which SharpCam refuses as a zip bomb",
                "re-save it with torch.save");
    }
}
