using static TorchSharp.torch;

namespace SharpCam.Training;

/// <summary>
/// Sets libtorch's intra-op thread count until disposed, then restores it (why one thread: see
/// <see cref="TrainingOptions.IntraOpThreads"/>).
/// </summary>
internal sealed class IntraOpThreads : IDisposable
{
    private readonly int previous = get_num_threads();

    /// <param name="threads">Threads to use; 0 keeps the current setting.</param>
    public IntraOpThreads(int threads)
    {
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Use 1 or more threads, or 0 to keep libtorch's setting.");
        if (threads > 0) set_num_threads(threads);
    }

    public void Dispose() => set_num_threads(previous);
}
