using System.Diagnostics;
using System.Threading.Channels;

namespace SharpCam.Runs;

/// <summary>
/// The run's last stage, on its own thread behind a bounded queue: draws a batch's figures, then appends the batch to
/// the journal, so an item is journaled only once everything it lists exists. The model thread waits only when
/// <paramref name="capacity"/> batches are already waiting to be drawn.
/// </summary>
internal sealed class FigureStage
{
    private readonly Channel<(IReadOnlyList<JournalEntry> Entries, IReadOnlyList<Action> Drawings)> _queue;
    private readonly Task _worker;
    private readonly RunJournal _journal;
    private readonly Stopwatch _drawing = new();

    public FigureStage(RunJournal journal, int capacity)
    {
        _journal = journal;
        _queue = Channel.CreateBounded<(IReadOnlyList<JournalEntry>, IReadOnlyList<Action>)>(
            new BoundedChannelOptions(Math.Max(1, capacity)) { SingleReader = true, SingleWriter = true });
        _worker = Task.Run(Work);
    }

    /// <summary>Time spent drawing, and the number of figures drawn.</summary>
    public TimeSpan Drawing => _drawing.Elapsed;
    public long Drawn { get; private set; }

    public async Task PostAsync(IReadOnlyList<JournalEntry> entries, IReadOnlyList<Action> drawings)
    {
        try
        {
            await _queue.Writer.WriteAsync((entries, drawings)).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await _worker.ConfigureAwait(false);   // the worker failed: its exception, not the closed queue
            throw;
        }
    }

    /// <summary>Draws and journals what is queued, then returns (rethrowing the stage's failure, if any).</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private async Task Work()
    {
        try
        {
            await foreach (var (entries, drawings) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                _drawing.Start();
                foreach (var draw in drawings) draw();
                _drawing.Stop();
                Drawn += drawings.Count;
                _journal.Append(entries);
            }
        }
        catch (Exception e)
        {
            _queue.Writer.TryComplete(e);
            throw;
        }
    }
}
