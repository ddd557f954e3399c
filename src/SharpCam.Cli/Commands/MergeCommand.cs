using System.ComponentModel;
using SharpCam.Cli.Terminal;
using SharpCam.Explanation;
using SharpCam.Reports;
using SharpCam.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam merge --out DIR SHARD_DIR...`: one run folder and report from the shards of a `--shard K/N` run.</summary>
public sealed class MergeCommand : Command<MergeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SHARD_DIR...>")]
        [Description("The --out folders of the shards' runs (explain or failures with --shard K/N), in any order.")]
        public string[] Shards { get; init; } = [];

        [CommandOption("--out <DIR>")] [Description("The merged run folder (manifest.json, maps/, figures/, report.html).")]
        public string Out { get; init; } = "";

        [CommandOption("--allow-partial")] [Description("Merge even when shards are missing; the manifest lists the missing ones.")]
        public bool AllowPartial { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR is required.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var manifest = ProgressBars.Run(p => RunMerge.Merge(settings.Shards, settings.Out, settings.AllowPartial, p));
        var report = ProgressBars.Run(p => HtmlReport.Generate(settings.Out, progress: p));
        foreach (var warning in report.Warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        if (manifest.Kind == RunKind.Failures) RunConsole.ShowFailures(manifest);
        if (manifest.Data?.MissingShards is { } missing)
            AnsiConsole.MarkupLine($"[yellow]partial:[/] shards {Markup.Escape(string.Join(", ", missing))} are missing.");
        AnsiConsole.MarkupLine($"Merged {settings.Shards.Length} shards, {manifest.Items.Count:N0} items: {Markup.Escape(Path.GetFullPath(settings.Out))} " +
                               $"(manifest.json, maps/, figures/, {HtmlReport.DefaultFileName})");
        return 0;
    }
}
