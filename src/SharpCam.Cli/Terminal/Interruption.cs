using System.Runtime.InteropServices;

namespace SharpCam.Cli.Terminal;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM as a cancellation token: the first signal asks the run to stop after its current batch;
/// a second one ends the process at once, as the signal would by default. Exit codes follow the shell's 128 + signal.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration _terminate;
    private int _signals;

    public Interruption(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        System.Console.CancelKeyPress += OnCancelKeyPress;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = Request(143));
    }

    public CancellationToken Token => _source.Token;

    /// <summary>130 after Ctrl-C, 143 after SIGTERM.</summary>
    public int ExitCode { get; private set; } = 130;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e) => e.Cancel = Request(130);

    /// <summary>True (keep running until the batch ends) the first time; false lets a repeated signal end the process.</summary>
    private bool Request(int exitCode)
    {
        if (Interlocked.Increment(ref _signals) > 1) return false;
        ExitCode = exitCode;
        _source.Cancel();
        return true;
    }

    public void Dispose()
    {
        System.Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate.Dispose();
        _source.Dispose();
    }
}
