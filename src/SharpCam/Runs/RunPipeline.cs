using System.Diagnostics;
using System.Threading.Channels;
using SharpCam.Explanation;

namespace SharpCam.Runs;

/// <summary>How long the pipeline's stages worked: the model and CAM method, the figure stage, and the figures it drew.</summary>
internal sealed record PipelineTimings(double ModelSeconds, double FigureSeconds, long FiguresDrawn);

/// <summary>
/// The staged pipeline every run kind shares, knowing nothing of what a batch does: items stream from a
/// <see cref="RunSource"/>; reading and preprocessing run ahead on a background task behind a bounded queue; the model
/// stage batches them and hands each batch to the run's <see cref="IRunStrategy"/>; the <see cref="FigureStage"/> draws
/// and journals each finished batch behind its own bounded queue. Items already in the journal (a resumed run) are
/// skipped without being read. Cancellation stops after the current batch, with everything finished journaled.
/// </summary>
internal sealed class RunPipeline(IRunStrategy strategy, RunOptions options)
{
    private sealed record Decoded(long Position, RunSourceItem Item, ExplainInput? Input, string? Error);

    /// <summary>Runs every unfinished item of <paramref name="source"/> into <paramref name="dir"/>; false when interrupted.</summary>
    public async Task<(bool Finished, long Done, PipelineTimings Timings)> RunAsync(
        RunSource source, string dir, IProgress<ProgressUpdate>? progress, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.Combine(dir, DataSetRun.MapsFolder));
        Directory.CreateDirectory(Path.Combine(dir, DataSetRun.FiguresFolder));
        var journalPath = Path.Combine(dir, strategy.JournalFile);
        var finished = new HashSet<long>();
        foreach (var entry in RunJournal.ReadEach(journalPath)) finished.Add(entry.Position);
        long done = finished.Count, total = source.Data.Count;
        progress?.Report(new ProgressUpdate(strategy.ProgressTask, done, Math.Max(total, done)));

        var modelClock = new Stopwatch();
        var queue = Channel.CreateBounded<Decoded>(new BoundedChannelOptions(options.ReadAhead ?? 2 * options.BatchSize)
        {
            SingleReader = true, SingleWriter = true,
        });
        using var stopReading = new CancellationTokenSource();
        var reader = Task.Run(() => ReadAhead(source, finished, queue.Writer, stopReading.Token));
        bool interrupted = false;
        FigureStage figures;
        using (var journal = RunJournal.Open(journalPath))
        {
            figures = new FigureStage(journal, options.FigureQueue);
            try
            {
                while (!(interrupted = cancellation.IsCancellationRequested))
                {
                    var (good, bad) = await NextBatch(queue.Reader).ConfigureAwait(false);
                    if (good.Count == 0 && bad.Count == 0) break;
                    if (options.Strict && bad.Count > 0)
                        throw new StrictRunStoppedException(bad[0].Error!);
                    var drawings = new List<Action>();
                    modelClock.Start();
                    var entries = good.Count == 0 ? [] : strategy.RunBatch(good.Select(g => (g.Position, g.Input!)).ToList(), dir, drawings);
                    modelClock.Stop();
                    entries.AddRange(bad.Select(b => new JournalEntry
                    {
                        Position = b.Position, Skipped = new SkippedItem { Id = b.Item.Id, Source = b.Item.Source, Reason = b.Error! },
                    }));
                    await figures.PostAsync(entries.OrderBy(e => e.Position).ToList(), drawings).ConfigureAwait(false);
                    done += entries.Count;
                    progress?.Report(new ProgressUpdate(strategy.ProgressTask, done, Math.Max(total, done)));
                }
            }
            finally
            {
                stopReading.Cancel();
                try { await reader.ConfigureAwait(false); } catch (OperationCanceledException) { }
                while (queue.Reader.TryRead(out var left)) left.Input?.ModelInput.Dispose();
                await figures.CompleteAsync().ConfigureAwait(false);
            }
        }
        return (!interrupted, done, new PipelineTimings(modelClock.Elapsed.TotalSeconds, figures.Drawing.TotalSeconds, figures.Drawn));
    }

    /// <summary>The background stage: reads and preprocesses the items not yet finished, in order, as far ahead as the queue allows.</summary>
    private async Task ReadAhead(RunSource source, HashSet<long> finished, ChannelWriter<Decoded> queue, CancellationToken stop)
    {
        try
        {
            long position = -1;
            bool keepDisplay = options.Figures != FigureMode.None;
            await foreach (var item in source.Items(stop).ConfigureAwait(false))
            {
                if (finished.Contains(++position)) continue;
                var (input, error) = strategy.CannotRun(item) is { } reason ? (null, reason) : Load(item, keepDisplay);
                try
                {
                    await queue.WriteAsync(new Decoded(position, item, input, error), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    input?.ModelInput.Dispose();
                    throw;
                }
            }
            queue.TryComplete();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            queue.TryComplete();
        }
        catch (Exception e)
        {
            queue.TryComplete(e);
        }
    }

    /// <summary>Reads one item; a file that cannot be read gives the reason instead (what went wrong is about that file, not the run).</summary>
    private static (ExplainInput? Input, string? Error) Load(RunSourceItem item, bool keepDisplay)
    {
        try
        {
            return (item.Load(keepDisplay), null);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or TypeInitializationException
                                            or DllNotFoundException or NullReferenceException))
        {
            var reason = item.Source is { } s && !e.Message.Contains(s, StringComparison.Ordinal) ? $"{s}: {e.Message}" : e.Message;
            return (null, reason);
        }
    }

    /// <summary>Up to a batch of readable items, and the unreadable ones met on the way (journaled with this batch).</summary>
    private async Task<(List<Decoded> Good, List<Decoded> Bad)> NextBatch(ChannelReader<Decoded> queue)
    {
        var (good, bad) = (new List<Decoded>(), new List<Decoded>());
        while (good.Count < options.BatchSize && await queue.WaitToReadAsync().ConfigureAwait(false))
            while (good.Count < options.BatchSize && queue.TryRead(out var item))
                (item.Input is null ? bad : good).Add(item);
        return (good, bad);
    }
}
