using System.ComponentModel;
using SharpCam.Cli.Terminal;
using SharpCam.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam report RUN_DIR`: one self-contained HTML page for a run folder written by explain or failures.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN_DIR>")]
        [Description("Run folder written by `sharpcam explain --out` or `sharpcam failures --out` (holds manifest.json).")]
        public string RunDir { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("Where to write the page (default: RUN_DIR/report.html).")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var result = ProgressBars.Run(progress => HtmlReport.Generate(settings.RunDir, settings.Out, progress));
        foreach (var warning in result.Warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        AnsiConsole.WriteLine(result.Path);
        return 0;
    }
}
