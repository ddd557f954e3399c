using SharpCam.Explanation;
using SharpCam.Runs;

namespace SharpCam.Tests.Explanation;

public class IndexSelectionTests
{
    [Fact]
    public void ParsesRangesAndSinglesInOrderWithoutRepeats() =>
        Assert.Equal(new[] { 0, 1, 2, 7, 10, 11 }, IndexSelection.Parse("0-2, 7,10-11,1", 100));

    [Theory]
    [InlineData("5-2", "runs backwards")]
    [InlineData("0-100", "outside the data set")]
    [InlineData("a-3", "not an index")]
    [InlineData("", "no index")]
    public void RejectsBadSelectionsWithTheReason(string text, string reason) =>
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => IndexSelection.Parse(text, 100)).Message);
}
