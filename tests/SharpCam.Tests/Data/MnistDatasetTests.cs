using System.Diagnostics;
using System.Text.Json;
using SharpCam.Data;
using SharpCam.IO;
using SharpCam.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpCam.Tests.Data;

/// <summary>
/// Loading splits of the real sample against torchvision's own reading of the same bytes (datasets.mnist readers,
/// PIL image, transforms.ToTensor). Tolerance: none, every value is compared exactly (hashes of the raw bytes).
/// </summary>
public class MnistDatasetTests(ITestOutputHelper output)
{
    [Trait(TestCategory.Name, TestCategory.Parity)]
    [Fact]
    public void FirstFiftyTestDigitsEqualTorchvisionExactly()
    {
        using var data = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Test);
        var reference = Npy.LoadArchive(RepoPaths.Fixture("data/mnist_sample_test_first50.npz"));
        using var images = reference["images"];
        using var labels = reference["labels"];
        using var first50 = data.Images[..50];
        using var first50Labels = data.Labels[..50];

        Assert.Equal(ScalarType.Float32, data.Images.dtype);
        Assert.Equal(ScalarType.Int64, data.Labels.dtype);
        Assert.Equal([50L, 1, 28, 28], images.shape);
        TensorAssert.Close(images, first50, tolerance: 0, "first 50 test images"); // exact: same float32 division
        Assert.True(first50Labels.Equals(labels), "labels differ from torchvision's");
    }

    [Trait(TestCategory.Name, TestCategory.Parity)]
    [Theory]
    [InlineData(MnistSplit.Train, "train", 9000)]
    [InlineData(MnistSplit.Test, "test", 1000)]
    public void WholeSplitEqualsTorchvisionBitForBit(MnistSplit split, string key, int count)
    {
        var reference = DataReference.Json.GetProperty("mnist_sample").GetProperty(key);
        using var data = MnistDataset.Load(DataReference.SampleFolder, split);

        Assert.Equal(count, data.Count);
        Assert.Equal([count, 1L, 28, 28], data.Images.shape);
        Assert.Equal([(long)count], data.Labels.shape);
        Assert.Equal(reference.GetProperty("images_float32_sha256").GetString(), DataReference.Sha256<float>(data.Images));
        Assert.Equal(reference.GetProperty("labels_int64_sha256").GetString(), DataReference.Sha256<long>(data.Labels));
        using var counts = data.Labels.bincount(null, 10);
        Assert.Equal(DataReference.Longs(reference.GetProperty("label_counts")), counts.data<long>().ToArray());
        AssertPixels(reference, data.Images);
        Assert.Equal(DataReference.SamplePath(MnistFiles.ImagesName(split) + ".gz"), data.ImagesPath);
        Assert.Equal(DataReference.SamplePath(MnistFiles.LabelsName(split) + ".gz"), data.LabelsPath);
        Assert.Equal(Enumerable.Range(0, count), data.SourceIndices);
    }

    [Fact]
    public void GzipAndRawFilesGiveIdenticalTensors()
    {
        using var temp = new TempFolder();
        foreach (var name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(temp.File(name), DataReference.Decompressed(DataReference.SamplePath(name + ".gz")));

        using var fromGz = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Test);
        using var fromRaw = MnistDataset.Load(temp.Path, MnistSplit.Test);
        Assert.Equal(temp.File("t10k-images-idx3-ubyte"), fromRaw.ImagesPath);
        Assert.True(fromGz.Images.Equals(fromRaw.Images));
        Assert.True(fromGz.Labels.Equals(fromRaw.Labels));
    }

    [Fact]
    public void MissingFileListsWhatIsExpectedAndWhatIsThere()
    {
        using var temp = new TempFolder();
        File.Copy(DataReference.SamplePath("t10k-labels-idx1-ubyte.gz"), temp.File("t10k-labels-idx1-ubyte.gz"));
        File.WriteAllText(temp.File("notes.txt"), "");

        var e = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(temp.Path, MnistSplit.Test));
        Assert.Equal($"The data folder {temp.Path} has no t10k-images-idx3-ubyte (nor t10k-images-idx3-ubyte.gz). " +
                     "An MNIST-format folder holds train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], " +
                     "t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]; this one holds notes.txt, " +
                     "t10k-labels-idx1-ubyte.gz. Rename the files to the standard names or pass the folder that has them.",
                     e.Message);
    }

    [Fact]
    public void MissingFolderIsNamed()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sharpcam-no-such-folder");
        var e = Assert.Throws<DirectoryNotFoundException>(() => MnistDataset.Load(folder, MnistSplit.Train));
        Assert.StartsWith($"The data folder {folder} does not exist; pass a folder holding train-images-idx3-ubyte[.gz],", e.Message);
    }

    [Fact]
    public void ClassNamesAreDigitsUnlessTheFolderIsNamedLikeFashionMnist()
    {
        using (var digits = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Test))
        {
            Assert.Equal(MnistVariant.Digits, digits.Variant);
            Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], digits.ClassNames);
        }

        using var temp = new TempFolder();
        var fashion = temp.Folder("FashionMNIST/raw");
        foreach (var name in new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            File.Copy(DataReference.SamplePath(name), Path.Combine(fashion, name));
        using (var detected = MnistDataset.Load(fashion, MnistSplit.Test))
        {
            Assert.Equal(MnistVariant.Fashion, detected.Variant);
            Assert.Equal("Ankle boot", detected.ClassNames[9]);
        }
        using var overridden = MnistDataset.Load(fashion, MnistSplit.Test, MnistVariant.Digits);
        Assert.Equal("9", overridden.ClassNames[9]);
    }

    [Theory]
    [InlineData("/usr/share/datasets/fashion-mnist", MnistVariant.Fashion)]
    [InlineData("/data/fmnist", MnistVariant.Fashion)]
    [InlineData("/data/Fashion/raw", MnistVariant.Fashion)]
    [InlineData("/data/MNIST/raw", MnistVariant.Digits)]
    [InlineData("/fashion/projects/mnist", MnistVariant.Digits)]
    public void VariantIsDetectedFromTheFolderOrItsParent(string folder, MnistVariant expected) =>
        Assert.Equal(expected, MnistVariants.Detect(folder));

    [FashionMnistFact]
    public void ReadsFashionMnistFromDebian()
    {
        var reference = DataReference.Json.GetProperty("fashion_mnist_test");
        using var data = MnistDataset.Load(DataReference.FashionFolder, MnistSplit.Test);

        Assert.Equal(MnistVariant.Fashion, data.Variant);
        Assert.Equal(10_000, data.Count);
        Assert.Equal(reference.GetProperty("images_float32_sha256").GetString(), DataReference.Sha256<float>(data.Images));
        Assert.Equal(reference.GetProperty("labels_int64_sha256").GetString(), DataReference.Sha256<long>(data.Labels));
        AssertPixels(reference, data.Images);
        Assert.Equal("Ankle boot", data.ClassNames[(int)data.Labels[0].item<long>()]);
    }

    [Fact]
    public void LoadingTheWholeSampleTakesWellUnderASecond()
    {
        using (MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Test)) { } // load libtorch and JIT first
        var clock = Stopwatch.StartNew();
        using var train = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Train);
        using var test = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Test);
        clock.Stop();
        output.WriteLine($"loaded {train.Count + test.Count} digits in {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"loading took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void TensorsOutliveTheDisposeScopeTheyWereLoadedIn()
    {
        MnistDataset data;
        using (NewDisposeScope()) data = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Test);
        Assert.Equal(1000, data.Images.shape[0]); // would throw ObjectDisposedException had the scope freed it
        Assert.Equal(6L, data.Labels[0].item<long>());

        data.Dispose();
        Assert.True(data.Images.IsInvalid);
        Assert.True(data.Labels.IsInvalid);
    }

    [Fact]
    public void SubsetKeepsTheRowsAndTheirSourceIndices()
    {
        using var data = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Test);
        using var subset = data.Subset([7, 3, 999]);
        using var nested = subset.Subset([2, 0]);

        Assert.Equal([7, 3, 999], subset.SourceIndices);
        Assert.Equal([999, 7], nested.SourceIndices);
        using var expected = data.Images[999];
        using var actual = nested.Images[0];
        Assert.True(expected.Equals(actual));
        Assert.Equal(data.Labels[7].item<long>(), nested.Labels[1].item<long>());
    }

    [Fact]
    public void ValidationSplitOfTheSampleIs8250And750()
    {
        using var data = MnistDataset.Load(DataReference.SampleFolder, MnistSplit.Train);
        var (train, validation) = data.SplitForValidation();
        using (train)
        using (validation)
        {
            var split = ValidationSplit.Create(9000);
            Assert.Equal((8250, 750), (train.Count, validation.Count));
            Assert.Equal(split.Train.Select(i => (int)i), train.SourceIndices);
            Assert.Equal(split.Validation.Select(i => (int)i), validation.SourceIndices);
            using var index = tensor(split.Validation.ToArray());
            using var expected = data.Images.index_select(0, index);
            Assert.True(expected.Equals(validation.Images));
            Assert.Equal(9000, train.SourceIndices.Concat(validation.SourceIndices).Distinct().Count());
        }
    }

    /// <summary>Each listed pixel's ToTensor value, compared as exact IEEE-754 bits.</summary>
    private static void AssertPixels(JsonElement reference, Tensor images)
    {
        foreach (var p in reference.GetProperty("pixels").EnumerateArray().Select(DataReference.Longs))
        {
            using var pixel = images[p[0], 0, p[1], p[2]];
            var value = pixel.item<float>();
            Assert.Equal((uint)p[4], BitConverter.SingleToUInt32Bits(value));
            Assert.Equal(p[3] / 255f, value);
        }
    }
}
