using SharpCam.Explanation;
using SharpCam.Runs;
using Spectre.Console;

namespace SharpCam.Cli.Terminal;

/// <summary>What explain and failures print about a run: skipped files, an interruption with the command that resumes, a replaced folder.</summary>
public static class RunConsole
{
    /// <summary>An explain run: the items (the first 50), skipped files, faithfulness means and the sanity verdicts.</summary>
    public static void ShowExplained(RunManifest manifest)
    {
        if (manifest.Items.Count > 0 && manifest.Items[0].Probabilities is null)   // a large head (ImageNet), or none: one line per item
            foreach (var item in manifest.Items.Take(50))
                AnsiConsole.MarkupLine(item.TopK is null ? $"[bold]{Markup.Escape(item.Id)}[/]: {Markup.Escape(item.Target ?? "")}"
                    : $"[bold]{Markup.Escape(item.Id)}[/]: {Markup.Escape(item.PredictedName ?? "?")} " +
                      $"[grey]({string.Join(", ", item.TopK.Select(t => $"{t.Name} {t.Probability:P1}").Select(Markup.Escape))})[/]");
        else ShowItemTable(manifest);
        if (manifest.Items.Count > 50) AnsiConsole.MarkupLine($"[grey]… the first 50 of {manifest.Items.Count:N0} items; all are in manifest.json.[/]");
        ShowSkipped(manifest);
        if (manifest.Metrics is { } metrics)
        {
            var means = new Table().Title("faithfulness (mean over the explained images)").AddColumns("metric", "method", "mean", "better");
            foreach (var m in metrics)
                means.AddRow(m.Name, m.Method, $"{m.Mean:F4}", m.HigherIsBetter == true ? "higher" : "lower");
            AnsiConsole.Write(means);
        }
        if (manifest.Sanity is { } sanity)
            foreach (var method in sanity.Methods)
                AnsiConsole.MarkupLine($"Sanity check, {Markup.Escape(method.Method)}: " +
                    (method.Verdict == "passes" ? "[green]" : "[yellow]") + $"{Markup.Escape(method.Summary ?? "")}[/]");
    }

    private static void ShowItemTable(RunManifest manifest)
    {
        var table = new Table().AddColumns("id", "true", "predicted", "probability", "map explains");
        foreach (var item in manifest.Items.Take(50))
        {
            table.AddRow(new Text(item.Id), new Text(item.TrueName ?? "-"),
                new Markup(RunItems.IsMistake(item) ? $"[red]{Markup.Escape(item.PredictedName ?? "?")}[/]" : Markup.Escape(item.PredictedName ?? "?")),
                new Text($"{item.TopK?.FirstOrDefault()?.Probability:P1}"), new Text(item.Target ?? ""));
        }
        AnsiConsole.Write(table);
    }

    /// <summary>A failure analysis: accuracy over every item, the most confident mistakes, skipped files.</summary>
    public static void ShowFailures(RunManifest manifest)
    {
        var evaluation = manifest.Evaluation!;
        var table = new Table().AddColumns("id", "true", "predicted", "confidence");
        foreach (var item in manifest.Items.Take(10))
            table.AddRow(Markup.Escape(item.Id), Markup.Escape(item.TrueName ?? ""), Markup.Escape(item.PredictedName ?? ""), $"{item.Confidence:P1}");
        if (manifest.Items.Count > 0) AnsiConsole.Write(table.Title(manifest.Items.Count > 10 ? $"most confident mistakes (10 of {manifest.Items.Count})" : "mistakes"));
        ShowSkipped(manifest);
        var mistakes = evaluation.N - (long)Math.Round((evaluation.TestAcc ?? 0) * (evaluation.N ?? 0));
        AnsiConsole.MarkupLine($"{manifest.Items.Count} of {mistakes} misclassified images explained (accuracy {evaluation.TestAcc:P2} over {evaluation.N:N0}).");
    }

    /// <summary>Skipped items, one line each (at most 20, then a count).</summary>
    public static void ShowSkipped(RunManifest manifest)
    {
        if (manifest.Skipped is not { Count: > 0 } skipped) return;
        foreach (var item in skipped.Take(20))
            AnsiConsole.MarkupLine($"[yellow]skipped:[/] {Markup.Escape(item.Reason)}");
        if (skipped.Count > 20) AnsiConsole.MarkupLine($"[yellow]skipped:[/] {skipped.Count - 20} more (manifest.json, \"skipped\").");
    }

    /// <summary>The one line an interrupted run prints, and its exit code.</summary>
    public static int Interrupted(RunResult result, Interruption interruption, IReadOnlyList<string> arguments)
    {
        var resume = "sharpcam " + string.Join(" ", arguments.Where(a => a != "--resume").Append("--resume").Select(Quote));
        System.Console.Error.WriteLine($"interrupted: stopped after {result.Done:N0} finished items, kept in {result.Folder}; resume with: {resume}");
        return interruption.ExitCode;
    }

    /// <summary>The closing line of a finished run.</summary>
    public static void Wrote(RunResult result, string contents)
    {
        var verb = result.Resumed && result.Done == 0 ? "Already complete, nothing to resume:" : result.ReplacedPreviousRun ? "Replaced the earlier run in" : "Wrote";
        AnsiConsole.MarkupLine($"{verb} [green]{Markup.Escape(result.Folder)}[/] ({contents})");
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./,=:+@%".Contains(c)) ? argument : $"'{argument.Replace("'", "'\\''")}'";
}
