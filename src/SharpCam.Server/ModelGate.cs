namespace SharpCam.Server;

/// <summary>
/// One model call at a time, with a short queue behind it: a call that finds the queue full is refused at once
/// (<see cref="ServerBusyException"/>, HTTP 429) instead of piling up threads and memory.
/// </summary>
public sealed class ModelGate(int queueLength)
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private int _admitted;

    /// <summary>Calls admitted now: the running one plus those waiting.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellation)
    {
        if (Interlocked.Increment(ref _admitted) > 1 + queueLength)
        {
            Interlocked.Decrement(ref _admitted);
            throw new ServerBusyException(queueLength);
        }
        try
        {
            await _running.WaitAsync(cancellation);
            try
            {
                return work();
            }
            finally
            {
                _running.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }
}
