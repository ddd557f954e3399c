using System.IO.Hashing;
using System.Text;

namespace SharpCam.Runs;

/// <summary>
/// One of N disjoint parts of a data set (<c>--shard K/N</c>, K from 0 as Slurm's and Kubernetes' task indices).
/// An item belongs to the shard its stable key hashes to (XxHash64 of the key's UTF-8 bytes, mod N): the same on
/// every machine and .NET version, independent of which shard runs where or in what order, and of the other items
/// (adding a photo to a folder moves no other photo between shards).
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole data set.</summary>
    public static Shard All { get; } = new(0, 1);

    public bool IsAll => Count == 1;

    /// <summary>Parses "K/N" with 0 ≤ K &lt; N; the message names the option and the fix.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int index) || !int.TryParse(parts[1], out int count))
            throw new ArgumentException($"--shard: '{text}' is not K/N; write e.g. 0/4 for the first of 4 shards.");
        if (count < 1)
            throw new ArgumentException($"--shard: '{text}' asks for {count} shards; N must be at least 1.");
        if (index < 0 || index >= count)
            throw new ArgumentException($"--shard: '{text}': K must be from 0 to {count - 1} for {count} shards (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT with --array=0-{count - 1}).");
        return new Shard(index, count);
    }

    /// <summary>Which shard of <paramref name="count"/> an item key falls in.</summary>
    public static int Of(string key, int count) =>
        (int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)) % (ulong)count);

    public bool Contains(string key) => IsAll || Of(key, Count) == Index;

    public override string ToString() => $"{Index}/{Count}";
}
