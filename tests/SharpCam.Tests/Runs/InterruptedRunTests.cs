using System.Text.Json.Nodes;
using SharpCam.Explanation;
using SharpCam.Runs;
using SharpCam.Tests.Cli;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Runs;

/// <summary>
/// The real executable killed and interrupted mid-run (200 test digits, one per batch, so a run lasts seconds), then
/// resumed: what it kept is whole, and the finished manifest is the uninterrupted run's.
/// </summary>
[Collection(CliRunner.Collection)]
public class InterruptedRunTests(TrainedTinyModel trained)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private string[] Explain(string outDir, params string[] extra) =>
    [
        "explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder, "--indices", $"0-{TinyMnist.TestCount - 1}",
        "--batch-size", "1", "--figures", "none", "--out", outDir, .. extra,
    ];

    private static string Staging(string outDir) => Path.Combine(Path.GetDirectoryName(outDir)!, $".{Path.GetFileName(outDir)}.staging");

    private static int JournalLines(string outDir)
    {
        var journal = Path.Combine(Staging(outDir), RunJournal.FileName);
        try { return File.Exists(journal) ? RunJournal.Read(journal).Count : 0; }
        catch (IOException) { return 0; }
    }

    /// <summary>The manifest as JSON without its timestamp.</summary>
    private static string Comparable(string outDir)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, RunManifest.FileName)))!.AsObject();
        json.Remove("created");
        return json.ToJsonString();
    }

    [Fact]
    public void ASigkilledRunResumedThreeTimesEndsWithTheUninterruptedManifest()
    {
        var reference = trained.Data.NewOutputPath("uninterrupted");
        var (code, output) = CliProcess.Run(Timeout, Explain(reference));
        Assert.True(code == 0, output);

        var outDir = trained.Data.NewOutputPath("killed");
        var kept = new List<int>();
        // Killed as soon as its staging folder exists (nothing finished), then a third and two thirds of the way through.
        foreach (var point in new[] { 0, TinyMnist.TestCount / 3, 2 * TinyMnist.TestCount / 3 })
        {
            using var run = new CliProcess(Explain(outDir, "--resume"));
            Assert.True(run.WaitUntil(() => Directory.Exists(Staging(outDir)) && JournalLines(outDir) >= point, Timeout), run.Output);
            Assert.False(run.HasExited, $"the run finished before the kill point {point}:\n{run.Output}");
            run.Kill();
            kept.Add(JournalLines(outDir));   // every line whole: Read throws on a damaged line, ignores only a torn last one
            Assert.False(Directory.Exists(outDir), "a killed run puts nothing in place");
        }
        Assert.True(kept[1] >= TinyMnist.TestCount / 3 && kept[2] >= 2 * TinyMnist.TestCount / 3, string.Join(", ", kept));

        (code, output) = CliProcess.Run(Timeout, Explain(outDir, "--resume"));
        Assert.True(code == 0, output);
        Assert.Equal(Comparable(reference), Comparable(outDir));
        Assert.False(Directory.Exists(Staging(outDir)));
        Assert.Equal(TinyMnist.TestCount, Directory.GetFiles(Path.Combine(outDir, "maps")).Length);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(outDir, RunJournal.FileName)));
    }

    [Fact]
    public void SigtermStopsAfterTheBatchKeepsWhatIsWholeAndPrintsTheCommandThatResumes()
    {
        var outDir = trained.Data.NewOutputPath("terminated");
        using var run = new CliProcess(Explain(outDir));
        Assert.True(run.WaitUntil(() => JournalLines(outDir) >= 20, Timeout), run.Output);
        run.Signal(CliProcess.SigTerm);
        Assert.Equal(143, run.WaitForExit(Timeout));

        var line = Assert.Single(run.Output.Split('\n'), l => l.StartsWith("interrupted:"));
        Assert.Contains(Staging(outDir), line);
        var resume = line[(line.IndexOf("resume with: sharpcam ", StringComparison.Ordinal) + "resume with: sharpcam ".Length)..].Trim();
        Assert.EndsWith("--resume", resume);

        // What is kept is exactly the finished items: a map for each journaled item, no temporaries, no owner left.
        var staging = Staging(outDir);
        var journaled = RunJournal.Read(Path.Combine(staging, RunJournal.FileName));
        Assert.True(journaled.Count >= 20 && journaled.Count < TinyMnist.TestCount, $"{journaled.Count} journaled");
        Assert.Equal(journaled.Select(e => Path.GetFileName(e.Item!.Map!)).Order(),
            Directory.GetFiles(Path.Combine(staging, "maps")).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(staging, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(staging, ".owner")));
        Assert.False(Directory.Exists(outDir));

        var (code, output) = CliProcess.Run(Timeout, Explain(outDir, "--resume"));
        Assert.True(code == 0, output);
        Assert.Equal(TinyMnist.TestCount, RunManifest.Load(outDir).Items.Count);
        Assert.False(Directory.Exists(staging));
    }

    [Fact]
    public void ARerunWithoutResumeRemovesTheStagingOfAKilledRun()
    {
        var outDir = trained.Data.NewOutputPath("killed-then-rerun");
        using (var run = new CliProcess(Explain(outDir)))
        {
            Assert.True(run.WaitUntil(() => JournalLines(outDir) >= 5, Timeout), run.Output);
            run.Kill();
        }
        Assert.True(Directory.Exists(Staging(outDir)));
        var (code, output) = CliRunner.Run(["explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder, "--indices", "0-3",
            "--figures", "none", "--out", outDir]);
        Assert.True(code == 0, output);
        Assert.Equal(4, RunManifest.Load(outDir).Items.Count);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(outDir)!, $".{Path.GetFileName(outDir)}.staging*"));
    }
}
