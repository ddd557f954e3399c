using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.Labels;

namespace SharpCam.Runs;

/// <summary>The one place a run's manifest is put together: its header before the run, its items from the journal after.</summary>
internal static class RunManifestAssembly
{
    /// <summary>The manifest without its items: what the run is; a resumed run must match it.</summary>
    public static RunManifest Header(RunSource source, ManifestModel model, CamMethod method, string? layer, ClassNames names,
                                     RunOptions options, IRunStrategy strategy) => new()
    {
        Version = SharpCamInfo.Version,
        Created = DateTime.UtcNow,
        Kind = options.Kind,
        Model = model,
        Method = method.Name,
        Layer = layer,
        Normalization = MapNormalizationNames.NameOf(method.Options.Normalization),
        TargetRule = strategy.TargetRule,
        ClassNames = names.Names,
        Data = source.Data,
        Options = new ManifestOptions
        {
            BatchSize = options.BatchSize, TopK = options.TopK, Figures = options.Figures.ToString().ToLowerInvariant(), Limit = options.Limit,
            Metrics = options.Metrics, SanityMethods = options.Sanity?.Methods.Count,
        },
        Items = [],
    };

    /// <summary>
    /// The manifest from the journal: items and skipped items in source order, then the sections the run's strategy
    /// adds (failures: the mistakes, most confident first, and the evaluation). The items stay in the journal until the
    /// manifest is saved (<see cref="JournalItems"/>), so memory does not grow with the run.
    /// </summary>
    public static async Task<RunManifest> FinishAsync(IRunStrategy strategy, RunManifest header, RunSource source, string dir)
    {
        var (items, skipped) = JournalItems.Open(Path.Combine(dir, strategy.JournalFile));
        if (items.Count == 0 && skipped.Count > 0)
            throw new InvalidDataException($"None of the {skipped.Count} items could be run; the first: {skipped[0].Reason}");
        var manifest = header with
        {
            Created = DateTime.UtcNow,
            Data = header.Data! with { Count = items.Count },
            Items = items,
            Skipped = skipped.Count > 0 ? skipped : null,
        };
        return await strategy.FinishAsync(manifest, items, source, dir).ConfigureAwait(false);
    }
}
