using SharpCam.Runs;

namespace SharpCam.Tests.Runs;

public class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/64", 0, 64)]
    public void ParsesKOfN(string text, int index, int count) =>
        Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("3/2", "K must be from 0 to 1")]
    [InlineData("2/2", "K must be from 0 to 1")]
    [InlineData("-1/2", "K must be from 0 to 1")]
    [InlineData("0/0", "N must be at least 1")]
    [InlineData("a/b", "is not K/N")]
    [InlineData("1", "is not K/N")]
    [InlineData("1/2/3", "is not K/N")]
    [InlineData("", "is not K/N")]
    public void RefusesWhatIsNotAShard(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Shard.Parse(text));
        Assert.StartsWith("--shard:", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ShardsAreDisjointAndCoverEveryKey()
    {
        var keys = Enumerable.Range(0, 2000).Select(i => $"class{i % 7}/photo_{i:D5}.jpg").ToList();
        var shards = Enumerable.Range(0, 4).Select(k => new Shard(k, 4)).ToList();
        var owners = keys.Select(key => shards.Where(s => s.Contains(key)).ToList()).ToList();
        Assert.All(owners, o => Assert.Single(o));
        // Every shard gets work: a binomial(2000, 1/4) count lies within 500 ± 5σ (σ ≈ 19.4) except with
        // probability < 1e-6, so 400..600 cannot fail by chance for a hash that spreads keys.
        foreach (var shard in shards)
            Assert.InRange(keys.Count(shard.Contains), 400, 600);
    }

    [Fact]
    public void AKeysShardIsFixedAcrossRunsAndMachines()
    {
        // XxHash64 (seed 0) of the UTF-8 key is specified bit for bit, so these never change: a change here would
        // move items between the shards of runs already made. Hashes from Debian's python3-xxhash (xxh64).
        Assert.Equal((int)(0x4297bc167d610110UL % 7), Shard.Of("cat/chelsea.png", 7));
        Assert.Equal((int)(0xfd7a372db3e3bd3fUL % 4), Shard.Of("test:3", 4));
        Assert.Equal((int)(0xef46db3751d8e999UL % 1000), Shard.Of("", 1000));
        Assert.True(Shard.All.Contains("anything"));
    }
}
