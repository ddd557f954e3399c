using SharpCam.Labels;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Labels;

public class ClassNamesTests
{
    private static readonly ClassNames ImageNet = ClassNames.ImageNet;

    [Fact]
    public void ImageNetHasTorchvisionsThousandNamesInIndexOrder()
    {
        Assert.Equal(1000, ImageNet.Count);
        Assert.Equal(("tench", "tabby", "golden retriever", "toilet tissue"), (ImageNet[0], ImageNet[281], ImageNet[207], ImageNet[999]));
        Assert.Equal(1000, ImageNet.Names.Distinct().Count());
    }

    [Theory]
    [InlineData("281", 281)]
    [InlineData(" 0 ", 0)]
    [InlineData("tabby", 281)]          // exact, although "tabby" is also a prefix of nothing else
    [InlineData("Golden Retriever", 207)]
    [InlineData("golden ret", 207)]     // unique prefix
    [InlineData("crane", 517)]          // exact beats the prefix of "crane bird" (134)
    [InlineData("crane b", 134)]
    public void ClassesResolveByIndexExactNameOrUniquePrefix(string given, int expected)
    {
        Assert.Equal(expected, ImageNet.Resolve(given));
    }

    [Fact]
    public void AmbiguousPrefixesListTheCandidates()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageNet.Resolve("tab"));
        Assert.Contains("tabby (281)", error.Message);
        Assert.Contains("table lamp (846)", error.Message);
    }

    [Theory]
    [InlineData("1000", "out of range")]
    [InlineData("-3", "out of range")]
    [InlineData("zebra crossing", "No class is named")]
    public void UnknownClassesFail(string given, string problem)
    {
        Assert.Contains(problem, Assert.Throws<ArgumentException>(() => ImageNet.Resolve(given)).Message);
    }

    [Fact]
    public void DuplicateNamesInAUserListAreAmbiguous()
    {
        var names = new ClassNames(["cat", "dog", "cat"]);
        Assert.Contains("cat (0), cat (2)", Assert.Throws<ArgumentException>(() => names.Resolve("cat")).Message);
    }

    [Theory]
    [InlineData("207", 207)]
    [InlineData("golden_retriever", 207)]
    [InlineData("Golden Retriever", 207)]
    [InlineData("tabby", 281)]
    [InlineData("n02099601", null)]      // WordNet ids are not known
    [InlineData("1000", null)]
    [InlineData("cats", null)]
    public void FoldersMatchImageNetNamesOrIndexes(string folder, int? expected)
    {
        Assert.Equal(expected, ImageNet.MatchFolder(folder));
    }

    [Fact]
    public void FoldersMatchTheFirstSynonymOfNotebookStyleNames()
    {
        var names = new ClassNames(["tench, Tinca tinca", "goldfish, Carassius auratus"]);
        Assert.Equal(1, names.MatchFolder("goldfish"));
        Assert.Equal(0, names.MatchFolder("tench, Tinca tinca"));
    }

    [Fact]
    public void ModelsGetImageNetNamesIndexesOrTheirLabelFile()
    {
        Assert.Same(ImageNet, ClassNames.For(1000));
        Assert.Equal(["0", "1", "2"], ClassNames.For(3).Names);
        using var folder = new TempFolder();
        var labels = folder.File("labels.txt");
        File.WriteAllText(labels, "cat\ndog\n");
        Assert.Equal(["cat", "dog"], ClassNames.For(2, labels).Names);
        var error = Assert.Throws<ArgumentException>(() => ClassNames.For(3, labels));
        Assert.Contains("names 2 classes, but the model has 3", error.Message);
    }
}
