using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Terminal;

/// <summary>
/// Refuses what a command does not declare, before it runs: an unknown option (naming the closest known one), a stray
/// positional argument, anything after `--`. Spectre would keep unknown options aside (<see cref="CommandContext.Remaining"/>)
/// and run the command anyway, and it validates the settings before any interceptor could look at them — so a typo such as
/// `--chekpoint x` would be reported as a missing --checkpoint. <see cref="Check"/> therefore looks at the raw arguments
/// first; which words are option values needs Spectre's parser, so stray words are its parse errors, reworded by <see cref="Explain"/>.
/// </summary>
public sealed partial class UnexpectedArguments(IReadOnlyList<CliCommand> commands)
{
    /// <summary>The first option the command does not declare, or the first word after `--`; null when there is none.</summary>
    public UsageException? Check(IReadOnlyList<string> args)
    {
        var command = commands.FirstOrDefault(c => args.Count > 0 && c.Name == args[0]);
        if (command is null) return null;   // no command or an unknown one: Spectre's parse error, reworded by Explain
        var known = command.OptionNames.ToHashSet(StringComparer.Ordinal);
        for (int i = 1; i < args.Count; i++)
        {
            var word = args[i];
            if (word == "--") return i + 1 < args.Count ? new UsageException(Stray(command, args[i + 1])) : null;
            foreach (var option in OptionsIn(word))
                if (!known.Contains(option)) return new UsageException(UnknownOption(command, option));
        }
        return null;
    }

    /// <summary>
    /// The option names a word holds as Spectre's tokenizer reads it: "--name" (up to '=' or ':'), or each letter of "-abc";
    /// none for a value such as "-1", "-0.5" or "layer3".
    /// </summary>
    private static IEnumerable<string> OptionsIn(string word)
    {
        if (word.StartsWith("--")) return [word.Split('=', ':')[0]];
        if (word.Length > 1 && word[0] == '-' && char.IsLetter(word[1])) return word.Skip(1).TakeWhile(char.IsLetter).Select(c => "-" + c);
        return [];
    }

    /// <summary>
    /// Spectre's own parse errors for a stray word ("Unknown command 'x'" inside a command that has no subcommands, "Could not
    /// match 'x' with an argument") and for an unknown command, reworded to say what is wrong and what is close; others unchanged.
    /// </summary>
    public Exception Explain(Exception error, IReadOnlyList<string> args)
    {
        if (error is not CommandParseException) return error;
        var word = QuotedWord().Match(error.Message) is { Success: true } m ? m.Groups[1].Value : null;
        if (word is null) return error;
        var command = commands.FirstOrDefault(c => args.Count > 0 && c.Name == args[0]);
        if (command is null)
            return error.Message.StartsWith("Unknown command", StringComparison.Ordinal)
                ? new UsageException($"{word}: unknown command; {DidYouMean(word, commands.Select(c => c.Name)) ?? "`sharpcam --help` lists them."}")
                : error;
        return new UsageException(Stray(command, word));
    }

    private static string UnknownOption(CliCommand command, string option) =>
        $"{option}: unknown option of `sharpcam {command.Name}`; " +
        ((option.StartsWith("--") ? DidYouMean(option, command.OptionNames.Where(o => o.StartsWith("--"))) : null)
         ?? $"see `sharpcam {command.Name} --help`.");

    private static string Stray(CliCommand command, string word) =>
        $"{word}: unexpected argument; `sharpcam {command.Name}` takes " +
        (command.ArgumentNames.Count == 0 ? "options only." : $"only {string.Join(" ", command.ArgumentNames)} besides options.");

    /// <summary>
    /// "did you mean --method?" for the known name that uniquely extends the typed one or is within a third of its length in
    /// edits; null when none is that close.
    /// </summary>
    public static string? DidYouMean(string typed, IEnumerable<string> known)
    {
        var candidates = known.Distinct().ToList();
        var extensions = candidates.Where(k => typed.Length >= 4 && k.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        if (extensions.Count == 1) return $"did you mean {extensions[0]}?";
        var closest = candidates.Select(k => (Name: k, Distance: EditDistance(typed.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(c => c.Distance).FirstOrDefault();
        var allowed = Math.Max(1, typed.TrimStart('-').Length / 3);
        return closest.Name is not null && closest.Distance <= allowed ? $"did you mean {closest.Name}?" : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps ("--indcies") cost 1.</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    [GeneratedRegex("^(?:Unknown command|Could not match) '([^']*)'")]
    private static partial Regex QuotedWord();
}
