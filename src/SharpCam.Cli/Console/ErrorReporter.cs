using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Console;

/// <summary>Turns exceptions into one clear message (what is wrong, how to fix it) instead of a stack trace.</summary>
public static class ErrorReporter
{
    public static int Report(Exception exception, ITypeResolver? resolver)
    {
        // Errors go to stderr, so `test --json` and other machine-read stdout stays clean.
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        if (System.Console.IsErrorRedirected) stderr.Profile.Width = 1000;   // a log or a pipe gets each message on one line, not wrapped at 80
        var error = exception is CommandAppException or CommandRuntimeException ? exception : Innermost(exception);
        if (error is OperationCanceledException)
        {
            stderr.MarkupLine("[yellow]cancelled:[/] nothing was written (an output folder is only replaced by a finished run).");
            return 130;
        }
        stderr.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
        if (Environment.GetEnvironmentVariable("SHARPCAM_DEBUG") == "1") stderr.WriteException(exception);
        return error is UsageException or CommandAppException ? 2 : 1;   // 2: the command line is wrong (Spectre's parse and validation errors, ours)
    }

    private static Exception Innermost(Exception e) =>
        e is TypeInitializationException or AggregateException or System.Reflection.TargetInvocationException && e.InnerException is not null
            ? Innermost(e.InnerException!)
            : e;
}
