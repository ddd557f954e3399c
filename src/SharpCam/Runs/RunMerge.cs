using System.Text.Json;
using System.Text.Json.Nodes;
using SharpCam.Explanation;
using SharpCam.IO;

namespace SharpCam.Runs;

/// <summary>
/// Joins the shards of one run (<c>--shard K/N</c>, each its own finished run folder) into one run folder: the items in
/// source order (failures: the mistakes, most confident first), their maps and figures, skipped items, and the sections
/// computed again over the union — the evaluation from the summed confusion matrices, the metric means from every
/// item's values. The sanity check and the grid of inputs are those of shard 0 (they look at its first images).
/// <para>Refused, naming the problem: folders that are not finished shards, shards of different runs (model, weights,
/// method, layer, data or options differ), the same shard twice, and missing shards unless <c>allowPartial</c>.</para>
/// </summary>
public static class RunMerge
{
    public static RunManifest Merge(IReadOnlyList<string> shardDirs, string outDir, bool allowPartial = false,
                                    IProgress<ProgressUpdate>? progress = null)
    {
        if (shardDirs.Count == 0) throw new ArgumentException("merge: no shard folders given; pass the --out folders of the shards' runs.");
        var shards = shardDirs.Select(Read).OrderBy(s => s.Shard.Index).ToList();
        CheckOneRun(shards);
        var missing = Enumerable.Range(0, shards[0].Shard.Count).Except(shards.Select(s => s.Shard.Index)).ToList();
        if (missing.Count > 0 && !allowPartial)
            throw new InvalidDataException($"merge: shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(k => $"{k}/{shards[0].Shard.Count}"))} " +
                                           "missing; pass every shard's folder, or --allow-partial to merge what there is.");

        using var staged = new StagedFolder(outDir, [.. shardDirs]);
        int copied = 0, files = shards.Sum(s => FilesOf(s.Manifest).Count());
        foreach (var shard in shards)
            foreach (var file in FilesOf(shard.Manifest))
            {
                var target = Path.Combine(staged.WorkPath, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(shard.Dir, file), target);
                progress?.Report(new ProgressUpdate("merge", ++copied, files));
            }
        var merged = Join(shards, missing);
        merged.Save(staged.WorkPath);
        staged.Commit();
        return merged;
    }

    private sealed record ShardRun(string Dir, RunManifest Manifest, Shard Shard);

    private static ShardRun Read(string dir)
    {
        var folder = Path.GetFullPath(dir);
        var staging = Path.Combine(Path.GetDirectoryName(folder)!, $".{Path.GetFileName(folder)}.staging");
        if (!File.Exists(Path.Combine(folder, RunManifest.FileName)))
            throw new InvalidDataException(Directory.Exists(staging)
                ? $"merge: {dir} is an unfinished shard (its run was interrupted); finish it with the same command and --resume, then merge."
                : $"merge: {dir} holds no finished run (no {RunManifest.FileName}); pass the --out folders of the shards' runs.");
        var manifest = RunManifest.Load(folder);
        if (manifest.Data?.Shard is not { } shard)
            throw new InvalidDataException($"merge: {dir} is a whole run, not a shard (it was run without --shard K/N).");
        return new ShardRun(folder, manifest, Shard.Parse(shard));
    }

    /// <summary>Shards of one run only: the same header (what <see cref="RunManifest.Identity"/> keeps, shard aside), each shard once.</summary>
    private static void CheckOneRun(IReadOnlyList<ShardRun> shards)
    {
        var first = shards[0];
        if (shards.GroupBy(s => s.Shard.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidDataException($"merge: shard {twice.First().Shard} is given twice: {string.Join(" and ", twice.Select(s => s.Dir))}.");
        var expected = Header(first.Manifest);
        foreach (var shard in shards.Skip(1))
        {
            if (shard.Shard.Count != first.Shard.Count)
                throw new InvalidDataException($"merge: {first.Dir} is shard {first.Shard} but {shard.Dir} is shard {shard.Shard}: " +
                                               "shards of one run split the data into the same number of parts.");
            var header = Header(shard.Manifest);
            var differences = expected.Select(p => p.Key).Union(header.Select(p => p.Key))
                .Where(key => !JsonNode.DeepEquals(expected[key], header[key])).ToList();
            if (differences.Count > 0)
            {
                var key = differences[0];
                throw new InvalidDataException($"merge: {first.Dir} and {shard.Dir} are shards of different runs: their {string.Join(", ", differences)} differ " +
                                               $"({key}: {Show(expected[key])} against {Show(header[key])}).");
            }
        }
    }

    private static JsonObject Header(RunManifest manifest)
    {
        var identity = manifest.Identity();
        return JsonSerializer.SerializeToNode(identity with { Data = identity.Data! with { Shard = null } }, RunManifest.JsonOptions)!.AsObject();
    }

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "none";
        return text.Length > 120 ? text[..117] + "..." : text;
    }

    /// <summary>The files an item list and its sections name (maps, figures), relative to the run folder.</summary>
    private static IEnumerable<string> FilesOf(RunManifest manifest)
    {
        var items = manifest.Items.Concat(manifest.Failures?.Items ?? []);
        var files = items.SelectMany(i => new[] { i.Map, i.Maps?.Predicted, i.Maps?.True, i.Figures?.Heatmap, i.Figures?.Panels, i.Figures?.Compare });
        return files.OfType<string>().Distinct();
    }

    private static RunManifest Join(IReadOnlyList<ShardRun> shards, IReadOnlyList<int> missing)
    {
        var first = shards[0].Manifest;
        var zero = shards.FirstOrDefault(s => s.Shard.Index == 0)?.Manifest;
        var items = shards.SelectMany(s => s.Manifest.Items).ToList();
        var ordered = first.Kind == RunKind.Failures
            ? items.OrderByDescending(i => i.Confidence).ThenBy(i => i.Source, StringComparer.Ordinal).ThenBy(i => i.Index).ToList()
            : items.OrderBy(i => i.Source, StringComparer.Ordinal).ThenBy(i => i.Index).ToList();
        if (first.Options?.Limit is int limit) ordered = ordered.Take(limit).ToList();
        var skipped = shards.SelectMany(s => s.Manifest.Skipped ?? []).OrderBy(s => s.Source, StringComparer.Ordinal).ToList();
        return first with
        {
            Created = DateTime.UtcNow,
            Data = first.Data! with
            {
                Count = first.Kind == RunKind.Failures ? shards.Sum(s => s.Manifest.Data!.Count) : ordered.Count,
                Shard = null,
                MissingShards = missing.Count == 0 ? null : missing.Select(k => new Shard(k, shards[0].Shard.Count).ToString()).ToList(),
            },
            Items = ordered,
            Skipped = skipped.Count > 0 ? skipped : null,
            Evaluation = SumEvaluations(shards.Select(s => s.Manifest.Evaluation).ToList()),
            Metrics = JoinMetrics(shards.Select(s => s.Manifest).ToList(), ordered),
            Failures = first.Failures is null ? null : new FailureSection
            {
                Items = shards.SelectMany(s => s.Manifest.Failures?.Items ?? []).OrderByDescending(i => i.Confidence)
                    .ThenBy(i => i.Source, StringComparer.Ordinal).ThenBy(i => i.Index).ToList(),
            },
            Sanity = zero?.Sanity,
            Figures = zero?.Figures,
        };
    }

    /// <summary>
    /// One evaluation over every shard's images: confusion matrices add, so accuracy and per-class accuracy are those of
    /// the union; the loss is the mean over all images (each shard's mean weighted by its count).
    /// </summary>
    private static Evaluation? SumEvaluations(IReadOnlyList<Evaluation?> evaluations)
    {
        if (evaluations.Any(e => e?.Confusion is null)) return null;
        var classes = evaluations[0]!.Confusion!.Count;
        var confusion = new long[classes, classes];
        foreach (var e in evaluations)
            for (int t = 0; t < classes; t++)
                for (int p = 0; p < classes; p++)
                    confusion[t, p] += e!.Confusion![t][p];
        long n = evaluations.Sum(e => e!.N ?? 0), correct = Enumerable.Range(0, classes).Sum(c => confusion[c, c]);
        double? loss = evaluations.All(e => e!.TestLoss is not null) && n > 0 ? evaluations.Sum(e => e!.TestLoss!.Value * (e.N ?? 0)) / n : null;
        return new Evaluation
        {
            TestLoss = loss,
            TestAcc = n == 0 ? null : (double)correct / n,
            N = n,
            PerClassAccuracy = Enumerable.Range(0, classes).Select(t =>
            {
                long total = Enumerable.Range(0, classes).Sum(p => confusion[t, p]);
                return total == 0 ? (double?)null : (double)confusion[t, t] / total;
            }).ToList(),
            Confusion = Enumerable.Range(0, classes).Select(t => (IReadOnlyList<long>)Enumerable.Range(0, classes).Select(p => confusion[t, p]).ToList()).ToList(),
        };
    }

    /// <summary>Each metric's values put in the merged item order (a value belongs to the item at its position in its shard), and their mean.</summary>
    private static IReadOnlyList<MetricSeries>? JoinMetrics(IReadOnlyList<RunManifest> manifests, IReadOnlyList<ManifestItem> ordered)
    {
        if (manifests.Any(m => m.Metrics is null)) return null;
        var valueOf = new Dictionary<(string Name, string Method, string Id), double>();
        foreach (var manifest in manifests)
            foreach (var series in manifest.Metrics!)
                for (int i = 0; i < series.Values.Count; i++)
                    valueOf[(series.Name, series.Method, manifest.Items[i].Id)] = series.Values[i];
        return manifests[0].Metrics!.Select(series =>
        {
            var values = ordered.Select(item => valueOf[(series.Name, series.Method, item.Id)]).ToList();
            return series with { Values = values, Mean = values.Count == 0 ? null : values.Average() };
        }).ToList();
    }
}
