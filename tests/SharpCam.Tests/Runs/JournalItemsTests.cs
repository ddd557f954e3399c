using SharpCam.Explanation;
using SharpCam.Runs;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Runs;

/// <summary>The manifest's items read from the journal on demand: source order, skipped items apart, readable after the journal is deleted.</summary>
public class JournalItemsTests
{
    private static JournalEntry Item(long position) => new()
    {
        Position = position, Item = new ManifestItem { Id = $"item-{position}", PredictedLabel = (int)position },
    };

    [Fact]
    public void ItemsComeInSourceOrderWithSkippedItemsApart()
    {
        using var temp = new TempFolder();
        var path = temp.File(RunJournal.FileName);
        using (var journal = RunJournal.Open(path))
        {
            journal.Append([Item(2), Item(3)]);
            journal.Append([Item(0), new JournalEntry { Position = 1, Skipped = new SkippedItem { Id = "item-1", Reason = "broken" } }]);
        }
        File.AppendAllText(path, "{\"position\":4,\"item\":{\"id\":\"it");   // a torn last line

        var (items, skipped) = JournalItems.Open(path);
        Assert.Equal(["item-0", "item-2", "item-3"], items.Select(i => i.Id));
        Assert.Equal("item-1", Assert.Single(skipped).Id);
        Assert.Equal(3, items[2].PredictedLabel);
        Assert.Equal(["item-3", "item-0"], items.Subset([2, 0]).Select(i => i.Id));

        // The run deletes its journal once the manifest is saved; the manifest it returns still lists its items.
        File.Delete(path);
        Assert.Equal(["item-0", "item-2", "item-3"], items.Select(i => i.Id));
    }
}
