using SharpCam.Cli;
using Spectre.Console;

namespace SharpCam.Tests.Cli;

/// <summary>
/// Runs `sharpcam` in-process exactly as the executable is wired (CliApp), capturing what it prints (stdout and stderr). CLI tests share
/// the process-wide console, so they run one at a time (the "cli" collection).
/// </summary>
public static class CliRunner
{
    public const string Collection = "cli";

    /// <summary>What a command printed, on one line (the console wraps long messages).</summary>
    public static string OneLine(string output) =>
        string.Join(' ', output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var (console, stdout, stderr) = (AnsiConsole.Console, System.Console.Out, System.Console.Error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        AnsiConsole.Console.Profile.Width = 200;
        System.Console.SetOut(writer);
        System.Console.SetError(writer);
        try
        {
            var code = CliApp.Run(args);
            return (code, writer.ToString());
        }
        finally
        {
            AnsiConsole.Console = console;
            System.Console.SetOut(stdout);
            System.Console.SetError(stderr);
        }
    }
}

[CollectionDefinition(CliRunner.Collection, DisableParallelization = true)]
public sealed class CliCollection : ICollectionFixture<TrainedTinyModel>;
