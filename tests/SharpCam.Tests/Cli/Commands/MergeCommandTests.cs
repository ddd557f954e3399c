using System.Text.Json.Nodes;
using SharpCam.Explanation;
using SharpCam.Reports;
using SharpCam.Runs;
using SharpCam.Tests.Reports;

namespace SharpCam.Tests.Cli.Commands;

/// <summary>
/// Shards of real runs (the tiny trained LeNet on 200 real test digits) merged: the same items, maps and evaluation
/// as one unsharded run; shards of different runs, the same shard twice and missing shards refused by name.
/// </summary>
[Collection(CliRunner.Collection)]
public class MergeCommandTests(TrainedTinyModel trained)
{
    private const int Shards = 3;

    /// <summary>
    /// One image per batch: oneDNN picks its convolution kernels by batch shape, so the same image in another batch can
    /// differ in the last float32 bits; at batch size 1 a shard computes exactly what the unsharded run does.
    /// </summary>
    private string[] Run(string command, string outDir, params string[] extra) =>
    [
        command, "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder, "--figures", "failures", "--batch-size", "1",
        "--out", outDir, .. extra,
    ];

    /// <summary>What a failed command printed, on one line (the console may wrap long messages).</summary>
    private static (int Code, string Output) Fails(params string[] args)
    {
        var (code, output) = CliRunner.Run(args);
        return (code, CliRunner.OneLine(output));
    }

    private string Runs(string name) => trained.Data.NewOutputPath($"{name}-{Guid.NewGuid():N}"[..24]);

    private static void Succeeds((int Code, string Output) result) => Assert.True(result.Code == 0, result.Output);

    private List<string> RunShards(string command, string root, params string[] extra)
    {
        var dirs = Enumerable.Range(0, Shards).Select(k => Path.Combine(root, $"shard-{k}")).ToList();
        for (int k = 0; k < Shards; k++) Succeeds(CliRunner.Run(Run(command, dirs[k], [.. extra, "--shard", $"{k}/{Shards}"])));
        return dirs;
    }

    /// <summary>A manifest as JSON without what differs by design: the time, and the sanity check and grid (shard 0's).</summary>
    private static JsonObject Comparable(string dir)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, RunManifest.FileName)))!.AsObject();
        foreach (var key in new[] { "created", "sanity", "figures" }) json.Remove(key);
        return json;
    }

    private static void AssertSameFiles(string expectedDir, string actualDir, IEnumerable<string> files)
    {
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(Path.Combine(expectedDir, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualDir, file))),
                $"{file} differs from the unsharded run's");
    }

    [Theory]
    [InlineData("explain", "--indices", "0-59")]
    [InlineData("failures")]
    public void MergedShardsEqualOneUnshardedRun(string command, params string[] extra)
    {
        var root = Runs(command);
        var whole = Path.Combine(root, "whole");
        Succeeds(CliRunner.Run(Run(command, whole, extra)));
        var shards = RunShards(command, root, extra);
        var sizes = shards.Select(s => RunManifest.Load(s).Data!.Count).ToList();
        Assert.All(sizes, n => Assert.True(n > 0, $"every shard has items: {string.Join(", ", sizes)}"));

        var merged = Path.Combine(root, "merged");
        Succeeds(CliRunner.Run(["merge", "--out", merged, .. shards.AsEnumerable().Reverse()]));

        // Maps are bit-equal: LeNet's per-image computation does not depend on which images share its batch.
        Assert.Equal(Comparable(whole).ToJsonString(), Comparable(merged).ToJsonString());
        var manifest = RunManifest.Load(merged);
        Assert.NotEmpty(manifest.Items);
        AssertSameFiles(whole, merged, manifest.Items.SelectMany(i => new[] { i.Map, i.Maps?.Predicted, i.Maps?.True }).OfType<string>());
        AssertSameReport(whole, merged);
    }

    /// <summary>`report` on the unsharded run writes what `merge` wrote for the shards: the same item data, the same thumbnails.</summary>
    private static void AssertSameReport(string whole, string merged)
    {
        Succeeds(CliRunner.Run(["report", whole]));
        var (expected, actual) = (new ReportPage(Path.Combine(whole, HtmlReport.DefaultFileName)), new ReportPage(Path.Combine(merged, HtmlReport.DefaultFileName)));
        foreach (var gallery in new[] { GallerySection.FailuresId, GallerySection.ExplainedId })
        {
            var (left, right) = (expected.Data["galleries"]![gallery]?.AsArray(), actual.Data["galleries"]![gallery]?.AsArray());
            Assert.Equal(left?.Count, right?.Count);
            for (int i = 0; i < (left?.Count ?? 0); i++)
            {
                var (a, b) = (left![i]!.AsObject(), right![i]!.AsObject());
                if (a["s"] is { } thumbnail)
                {
                    Assert.True(File.ReadAllBytes(expected.FileOf(thumbnail.GetValue<string>())).AsSpan().SequenceEqual(File.ReadAllBytes(actual.FileOf(b["s"]!.GetValue<string>()))),
                        $"thumbnail of {a["i"]} differs");
                    a.Remove("s");
                    b.Remove("s");   // the URLs differ only in the generation folder
                }
                Assert.Equal(a.ToJsonString(), b.ToJsonString());
            }
        }
    }

    [Fact]
    public void RefusesShardsOfDifferentRunsTheSameShardTwiceAndMissingShards()
    {
        var root = Runs("refusals");
        var shards = RunShards("explain", root, "--indices", "0-29");
        var other = Path.Combine(root, "other-method");
        Succeeds(CliRunner.Run(Run("explain", other, "--indices", "0-29", "--method", "hirescam", "--shard", $"1/{Shards}")));

        var (code, output) = Fails("merge", "--out", Path.Combine(root, "m1"), shards[0], other, shards[2]);
        Assert.Equal(1, code);
        Assert.Contains("shards of different runs", output);
        Assert.Contains("method", output);

        (code, output) = Fails("merge", "--out", Path.Combine(root, "m2"), shards[0], shards[1], shards[1], shards[2]);
        Assert.Equal(1, code);
        Assert.Contains($"shard 1/{Shards} is given twice", output);

        (code, output) = Fails("merge", "--out", Path.Combine(root, "m3"), shards[0], shards[2]);
        Assert.Equal(1, code);
        Assert.Contains($"shard 1/{Shards} missing", output);
        Assert.Contains("--allow-partial", output);
        Assert.False(Directory.Exists(Path.Combine(root, "m3")));

        Succeeds(CliRunner.Run("merge", "--allow-partial", "--out", Path.Combine(root, "m4"), shards[0], shards[2]));
        var partial = RunManifest.Load(Path.Combine(root, "m4"));
        Assert.Equal([$"1/{Shards}"], partial.Data!.MissingShards);
        Assert.Equal(RunManifest.Load(shards[0]).Items.Count + RunManifest.Load(shards[2]).Items.Count, partial.Items.Count);

        var whole = Path.Combine(root, "whole");
        Succeeds(CliRunner.Run(Run("explain", whole, "--indices", "0-3")));
        (code, output) = Fails("merge", "--out", Path.Combine(root, "m5"), whole);
        Assert.Equal(1, code);
        Assert.Contains("is a whole run, not a shard", output);

        (code, output) = Fails("merge", "--out", Path.Combine(root, "m6"), Path.Combine(root, "no-such-shard"));
        Assert.Equal(1, code);
        Assert.Contains("holds no finished run", output);
    }

    [Theory]
    [InlineData("3/2", "K must be from 0 to 1")]
    [InlineData("0/0", "N must be at least 1")]
    [InlineData("a/b", "is not K/N")]
    public void AMalformedShardIsAUsageError(string shard, string expected)
    {
        var outDir = Runs("bad-shard");
        var (code, output) = Fails(Run("explain", outDir, "--shard", shard));
        Assert.NotEqual(0, code);
        Assert.Contains(expected, output);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void AShardRecordsItsShardAndTheWeightsHash()
    {
        var outDir = Runs("one-shard");
        Succeeds(CliRunner.Run(Run("explain", outDir, "--indices", "0-9", "--shard", "0/2")));
        var manifest = RunManifest.Load(outDir);
        Assert.Equal("0/2", manifest.Data!.Shard);
        Assert.StartsWith("xxh128:", manifest.Model.WeightsHash);
        Assert.Equal(manifest.Items.Count, manifest.Data.Count);
        Assert.All(manifest.Items, item => Assert.Equal(0, Shard.Of($"test:{item.Index}", 2)));
    }
}

/// <summary>
/// Shards of an ONNX model's run: the manifest's weights hash covers the graph and its external data, so shards made
/// with other weights under the same file names are refused; shards of the same weights merge.
/// </summary>
[Collection(CliRunner.Collection)]
public class OnnxMergeCliTests(TrainedTinyModel trained)
{
    [Fact]
    public void ShardsOfOneOnnxModelMergeAndOtherWeightsAreRefused()
    {
        using var folder = new Support.TempFolder();
        var model = SharpCam.Tests.Onnx.OnnxFixtures.Prepare("resnet18_op11", folder);
        var root = trained.Data.NewOutputPath($"onnx-merge-{Guid.NewGuid():N}"[..24]);
        string[] Shard(int k, string dir) =>
            ["explain", "--model", model, "--images", Path.Combine(Support.RepoPaths.Root, "samples"), "--figures", "none",
             "--shard", $"{k}/2", "--out", dir];
        var shards = new[] { Path.Combine(root, "shard-0"), Path.Combine(root, "shard-1") };
        for (int k = 0; k < 2; k++) Assert.Equal(0, CliRunner.Run(Shard(k, shards[k])).ExitCode);
        Assert.Equal(SharpCam.IO.FileHash.Of(model, Path.ChangeExtension(model, ".weights")), RunManifest.Load(shards[0]).Model.WeightsHash);

        var merged = Path.Combine(root, "merged");
        var (code, output) = CliRunner.Run("merge", "--out", merged, shards[0], shards[1]);
        Assert.True(code == 0, output);
        Assert.Equal(4, RunManifest.Load(merged).Items.Count);

        using (var weights = File.OpenWrite(Path.ChangeExtension(model, ".weights"))) weights.Write([1, 2, 3, 4]);   // other weights, same files
        var other = Path.Combine(root, "other-weights");
        Assert.Equal(0, CliRunner.Run(Shard(1, other)).ExitCode);
        (code, output) = CliRunner.Run("merge", "--out", Path.Combine(root, "refused"), shards[0], other);
        Assert.Equal(1, code);
        Assert.Contains("shards of different runs", output);
        Assert.Contains("model", output);
    }
}
