using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Terminal;

/// <summary>Turns exceptions into one clear message (what is wrong, how to fix it) instead of a stack trace.</summary>
public static class ErrorReporter
{
    public static int Report(Exception exception, ITypeResolver? resolver)
    {
        // Errors go to stderr, so `test --json` and other machine-read stdout stays clean.
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        // No hard wrapping at Spectre's 80-column default: a message is one line (two at most) for the terminal to wrap.
        stderr.Profile.Width = 4096;
        var error = exception is CommandAppException or CommandRuntimeException ? exception : Innermost(exception);
        if (error is OperationCanceledException)
        {
            stderr.MarkupLine("[yellow]cancelled:[/] nothing was written (an output folder is only replaced by a finished run).");
            return 130;
        }
        stderr.MarkupLine($"[red]error:[/] {Markup.Escape(Describe(error))}");
        if (Environment.GetEnvironmentVariable("SHARPCAM_DEBUG") == "1") stderr.WriteException(exception);
        return error is UsageException or CommandAppException ? 2 : 1;   // 2: the command line is wrong (Spectre's parse and validation errors, ours)
    }

    /// <summary>
    /// The message as a user should read it: without .NET's " (Parameter 'x')" and "Actual value was" suffixes, without
    /// the C++ backtrace libtorch appends, and at most two lines (SHARPCAM_DEBUG=1 shows everything).
    /// </summary>
    public static string Describe(Exception error)
    {
        var message = LibraryErrors.Describe(error) ?? error.Message;
        if (error is ArgumentException { ParamName: { } name }) message = message.Replace($" (Parameter '{name}')", "");
        var lines = message.Split('\n').Select(line => line.TrimEnd('\r'))
            .TakeWhile(line => !line.StartsWith("Exception raised from", StringComparison.Ordinal) && !line.StartsWith("frame #", StringComparison.Ordinal))
            .Where(line => line.Length > 0 && !(error is ArgumentOutOfRangeException && line.StartsWith("Actual value was", StringComparison.Ordinal)))
            .ToList();
        if (lines.Count > 2) lines = [lines[0], lines[1] + " … (SHARPCAM_DEBUG=1 shows the rest)"];
        return lines.Count == 0 ? error.GetType().Name : string.Join(Environment.NewLine, lines);
    }

    private static Exception Innermost(Exception e) =>
        e is TypeInitializationException or AggregateException or System.Reflection.TargetInvocationException && e.InnerException is not null
            ? Innermost(e.InnerException!)
            : e;
}
