using System.Reflection;
using SharpCam.Cli;
using SharpCam.Cli.Terminal;
using SharpCam.Tests.Support;
using Spectre.Console.Cli;

namespace SharpCam.Tests.Cli.Terminal;

/// <summary>
/// Every registered command refuses what it does not declare: exit 2, one line naming the word, nothing written or printed.
/// The commands come from <see cref="CliApp.Commands"/>, so a new command is covered without touching this file.
/// </summary>
[Collection(CliRunner.Collection)]
public class UnexpectedArgumentsTests
{
    public static TheoryData<string> Commands => new(CliApp.Commands.Select(c => c.Name));

    /// <summary>Commands with a fixed number of positional arguments, where one more word is stray.</summary>
    public static TheoryData<string> FixedArgumentCommands => new(CliApp.Commands.Where(c => !c.TakesAnyNumberOfArguments).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Commands))]
    public void AnUnknownOptionIsRefusedBeforeAnyWork(string name)
    {
        using var temp = new TempFolder();
        var (code, output) = CliRunner.Run([.. Valid(name, temp), "--bogus-flag", "3"]);
        AssertRefused(code, output, $"--bogus-flag: unknown option of `sharpcam {name}`; see `sharpcam {name} --help`.", temp);
    }

    [Theory]
    [MemberData(nameof(FixedArgumentCommands))]
    public void AStrayArgumentIsRefusedBeforeAnyWork(string name)
    {
        using var temp = new TempFolder();
        var (code, output) = CliRunner.Run([.. Valid(name, temp), "stray-word"]);
        AssertRefused(code, output, $"stray-word: unexpected argument; `sharpcam {name}` takes ", temp);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ArgumentsAfterADoubleDashAreRefusedToo(string name)
    {
        using var temp = new TempFolder();
        var (code, output) = CliRunner.Run([.. Valid(name, temp), "--", "extra"]);
        AssertRefused(code, output, "extra: unexpected argument;", temp);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AMisspeltOptionNamesTheOneMeant(string name)
    {
        using var temp = new TempFolder();
        var meant = CliApp.Commands.Single(c => c.Name == name).OptionNames.Where(o => o.StartsWith("--")).MaxBy(o => o.Length)!;
        var typo = meant.Remove(meant.Length - 2, 1);   // without its second-last letter, as "--methd" for "--method"
        var (code, output) = CliRunner.Run([.. Valid(name, temp), typo, "1"]);
        AssertRefused(code, output, $"{typo}: unknown option of `sharpcam {name}`; did you mean {meant}?", temp);
    }

    [Fact]
    public void TheIssuesExamplesNameTheOptionMeant()
    {
        Assert.Contains("--methd: unknown option of `sharpcam explain`; did you mean --method?", CliRunner.Run("explain", "--methd", "scorecam").Output);
        Assert.Contains("--layr: unknown option of `sharpcam explain`; did you mean --layer?", CliRunner.Run("explain", "--layr", "layer3").Output);
        Assert.Contains("--indcies: unknown option of `sharpcam explain`; did you mean --indices?", CliRunner.Run("explain", "--indcies", "3").Output);
        Assert.Contains("--check: unknown option of `sharpcam test`; did you mean --checkpoint?", CliRunner.Run("test", "--check", "x").Output);
    }

    [Fact]
    public void AnUnknownCommandNamesTheClosestOne()
    {
        var (code, output) = CliRunner.Run("explian", "--out", "x");
        Assert.Equal(2, code);
        Assert.Contains("explian: unknown command; did you mean explain?", output);
        Assert.Contains("frobnicate: unknown command; `sharpcam --help` lists them.", CliRunner.Run("frobnicate").Output);
    }

    [Theory]
    [InlineData("--bogus-flag")]   // nothing within a third of its length in edits
    [InlineData("--x")]            // too short to guess from
    public void NothingIsSuggestedWhenNothingIsClose(string typed) =>
        Assert.Null(UnexpectedArguments.DidYouMean(typed, CliApp.Commands.Single(c => c.Name == "explain").OptionNames));

    [Theory]
    [InlineData("methd", "method", 1)]
    [InlineData("indcies", "indices", 1)]   // adjacent swap
    [InlineData("", "out", 3)]
    [InlineData("layer", "layer", 0)]
    public void EditDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps(string a, string b, int expected) =>
        Assert.Equal(expected, UnexpectedArguments.EditDistance(a, b));

    /// <summary>
    /// The command with its positional arguments, and every folder or file option pointed into <paramref name="temp"/>
    /// (--out, --runs, --data, …), so anything the command wrote would land there.
    /// </summary>
    private static string[] Valid(string name, TempFolder temp)
    {
        var command = CliApp.Commands.Single(c => c.Name == name);
        var paths = command.SettingsType.GetProperties().Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .Where(o => o is { ValueName: "DIR" or "FILE" }).Select(o => "--" + o!.LongNames[0]);
        return [name, .. command.ArgumentNames.Select(a => Path.Combine(temp.Path, a)), .. paths.SelectMany(o => new[] { o, Path.Combine(temp.Path, o[2..]) })];
    }

    private static void AssertRefused(int code, string output, string message, TempFolder temp)
    {
        Assert.Equal(2, code);
        Assert.StartsWith("error: " + message, output.Trim());
        Assert.Single(output.Trim().Split('\n'));                // one line, and no work started (no table, no progress)
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }
}
