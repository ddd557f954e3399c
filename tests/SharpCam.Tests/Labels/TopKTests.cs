using SharpCam.Tests.Support;
using SharpCam.Labels;
using static TorchSharp.torch;

namespace SharpCam.Tests.Labels;

[Trait(TestCategory.Name, TestCategory.Parity)]
public class TopKTests
{
    [Fact]
    public void GivesTheMostProbableClassesWithSoftmaxProbabilities()
    {
        using var scope = NewDisposeScope();
        var names = new ClassNames(["cat", "dog", "bird", "fish"]);
        double[][] rows = [[2.0, 0.5, -1.0, 3.0], [0.25, 0.0, 10.0, -10.0]];
        var logits = tensor(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), new long[] { 2, 4 });
        var top = TopK.Of(logits, names, k: 2);
        Assert.Equal(2, top.Count);
        for (int row = 0; row < 2; row++)
        {
            var exp = rows[row].Select(Math.Exp).ToArray();
            var expected = exp.Select((e, c) => (Class: c, Probability: e / exp.Sum()))
                .OrderByDescending(p => p.Probability).Take(2).ToList();
            Assert.Equal(expected.Select(p => p.Class), top[row].Select(s => s.Class));
            Assert.Equal(expected.Select(p => names[p.Class]), top[row].Select(s => s.Name));
            // libtorch's float32 soft-max against the exact (float64) one: an exponential, a sum of 4 and a division, n = 6
            // roundings relative to the probability (≤ 1).
            Assert.All(expected.Zip(top[row]), p => Assert.Equal(p.First.Probability, p.Second.Probability, Support.Float32Error.Relative(6)));
        }
        Assert.Equal(("fish", "cat"), (top[0][0].Name, top[0][1].Name));
    }

    [Fact]
    public void KIsCappedAtTheClassCountAndNamesMustFitTheLogits()
    {
        using var scope = NewDisposeScope();
        var names = new ClassNames(["cat", "dog"]);
        Assert.Equal(2, TopK.Of(zeros(1, 2), names, k: 5)[0].Count);
        Assert.Contains("3 classes but 2 class names", Assert.Throws<ArgumentException>(() => TopK.Of(zeros(1, 3), names)).Message);
    }
}
