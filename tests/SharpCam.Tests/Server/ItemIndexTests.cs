using SharpCam.Server;

namespace SharpCam.Tests.Server;

public class ItemIndexTests
{
    // Ten items of three classes: ids say true→predicted and the confidence in percent.
    private static readonly RunItem[] Items =
    [
        Item(0, 0, 0, 0.99), Item(1, 0, 1, 0.60), Item(2, 1, 1, 0.95), Item(3, 1, 0, 0.90), Item(4, 2, 2, 0.40),
        Item(5, 2, 1, 0.75), Item(6, 0, 0, 0.80), Item(7, 1, 1, 0.55), Item(8, 2, 0, 0.90), Item(9, 2, 2, 0.97),
    ];

    private static RunItem Item(int position, int truth, int predicted, double confidence) =>
        new($"test-{position:D4}", position, truth, $"{truth}", predicted, $"{predicted}", confidence, []);

    private static string[] Ids(ItemPage page) => page.Items.Select(i => i.Id[^1..]).ToArray();

    [Fact]
    public void FailureRankingListsMistakesMostConfidentFirstThenTheRestInRunOrder()
    {
        var page = new ItemIndex(Items, 3).Query(new ItemQuery { Limit = 10 });
        // Mistakes 3 (0.90) and 8 (0.90) tie and keep run order; then 5 (0.75), 1 (0.60); then 0, 2, 4, 6, 7, 9.
        Assert.Equal(["3", "8", "5", "1", "0", "2", "4", "6", "7", "9"], Ids(page));
        Assert.Equal(10, page.Total);
    }

    [Fact]
    public void FiltersCombineAndTheTotalCountsEveryMatchNotThePage()
    {
        var index = new ItemIndex(Items, 3);
        Assert.Equal(["3", "8", "5", "1"], Ids(index.Query(new ItemQuery { MistakesOnly = true })));
        Assert.Equal(["5"], Ids(index.Query(new ItemQuery { TrueLabel = 2, Predicted = 1 })));
        Assert.Equal(["1", "2", "3", "5", "6", "7", "8"], Ids(index.Query(new ItemQuery { MinConfidence = 0.55, MaxConfidence = 0.95, Order = ItemOrder.Index })));
        var window = index.Query(new ItemQuery { Order = ItemOrder.ConfidenceDescending, Offset = 2, Limit = 3 });
        Assert.Equal(10, window.Total);
        Assert.Equal(["2", "3", "8"], Ids(window));   // 0.99, 0.97 skipped; 0.95, then the 0.90 pair in run order
    }

    [Fact]
    public void ConfusionCountsTrueAgainstPredicted()
    {
        var confusion = new ItemIndex(Items, 3).Confusion;
        Assert.Equal(new long[,] { { 2, 1, 0 }, { 1, 2, 0 }, { 1, 1, 2 } }, confusion);
    }

    [Fact]
    public void BadWindowsAreRefusedWithTheLimit()
    {
        var index = new ItemIndex(Items, 3);
        Assert.Equal(400, Assert.Throws<RequestRefusedException>(() => index.Query(new ItemQuery { Limit = ItemQuery.MaxLimit + 1 })).Status);
        Assert.Equal(400, Assert.Throws<RequestRefusedException>(() => index.Query(new ItemQuery { Offset = -1 })).Status);
    }
}
