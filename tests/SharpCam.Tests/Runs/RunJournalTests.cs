using System.Text;
using SharpCam.Explanation;
using SharpCam.Runs;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Runs;

public class RunJournalTests
{
    private static JournalEntry Entry(long position) => new()
    {
        Position = position, Item = new ManifestItem { Id = $"item-{position}", PredictedLabel = 1 },
    };

    [Fact]
    public void ATornLastLineIsIgnoredAndCutOffBeforeMoreIsAppended()
    {
        using var temp = new TempFolder();
        var path = temp.File(RunJournal.FileName);
        using (var journal = RunJournal.Open(path)) journal.Append([Entry(0), Entry(1)]);
        File.AppendAllText(path, "{\"position\":2,\"item\":{\"id\":\"it");   // the process died inside a write

        Assert.Equal([0L, 1L], RunJournal.Read(path).Select(e => e.Position));
        using (var journal = RunJournal.Open(path)) journal.Append([Entry(2)]);
        Assert.Equal([0L, 1L, 2L], RunJournal.Read(path).Select(e => e.Position));
        Assert.EndsWith("}\n", File.ReadAllText(path, Encoding.UTF8));
    }

    [Fact]
    public void ADamagedWholeLineIsAnErrorNamingTheFileAndLine()
    {
        using var temp = new TempFolder();
        var path = temp.File(RunJournal.FileName);
        File.WriteAllText(path, "{\"position\":0}\nnot json\n");
        var error = Assert.Throws<InvalidDataException>(() => RunJournal.Read(path));
        Assert.Contains($"{path}, line 2", error.Message);
    }
}
