using System.Buffers.Binary;
using SharpCam.Data;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Data;

/// <summary>The IDX reader on the real sample bytes, and on damaged copies of them built in a temporary folder.</summary>
public class IdxFileTests
{
    private static readonly string TestImagesGz = DataReference.SamplePath("t10k-images-idx3-ubyte.gz");
    private static readonly string TestLabelsGz = DataReference.SamplePath("t10k-labels-idx1-ubyte.gz");

    [Fact]
    public void ReadsTheSampleAsTorchvisionDoes()
    {
        var reference = DataReference.Json.GetProperty("mnist_sample").GetProperty("test");
        var images = IdxFile.ReadImages(TestImagesGz);
        var labels = IdxFile.ReadLabels(TestLabelsGz);

        Assert.Equal((1000, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.Equal(1000 * 28 * 28, images.Pixels.Length);
        var sums = Enumerable.Range(0, 50).Select(i => images.Pixels.AsSpan(i * 784, 784).ToArray().Sum(b => (long)b));
        Assert.Equal(DataReference.Longs(reference.GetProperty("first50_uint8_sums")), sums);
        Assert.Equal(DataReference.Longs(reference.GetProperty("first50_labels")), labels.Values.Take(50).Select(v => (long)v));
    }

    [Fact]
    public void DetectsGzipByItsMagicBytesNotByTheName()
    {
        using var temp = new TempFolder();
        // Swap the names on purpose: raw bytes under a .gz name, gzip bytes under a plain name.
        var rawNamedGz = temp.File("images.gz");
        var gzNamedRaw = temp.File("images");
        File.WriteAllBytes(rawNamedGz, TestImages());
        File.Copy(TestImagesGz, gzNamedRaw);

        var expected = IdxFile.ReadImages(TestImagesGz).Pixels;
        Assert.Equal(expected, IdxFile.ReadImages(rawNamedGz).Pixels);
        Assert.Equal(expected, IdxFile.ReadImages(gzNamedRaw).Pixels);
    }

    [Fact]
    public void TruncatedFileSaysHowMuchIsMissing()
    {
        var (path, message) = ErrorReading("t10k-images-idx3-ubyte", TestImages()[..(16 + 512_000)], IdxFile.ReadImages);
        Assert.Equal($"{path} is truncated: header says 1,000 images of 28×28 (784,000 bytes) but only 512,000 follow; " +
                     "re-download or restore the file.", message);
    }

    [Fact]
    public void TruncatedGzipFileIsReportedWithItsName()
    {
        var gz = File.ReadAllBytes(TestImagesGz);
        var (path, message) = ErrorReading("t10k-images-idx3-ubyte.gz", gz[..(gz.Length / 2)], IdxFile.ReadImages);
        Assert.StartsWith($"{path} is truncated: header says 1,000 images of 28×28 (784,000 bytes) but only ", message);
        Assert.EndsWith("re-download or restore the file.", message);
    }

    [Fact]
    public void CorruptGzipStreamIsReportedWithItsName()
    {
        var gz = File.ReadAllBytes(TestImagesGz);
        for (int i = 1000; i < 1100; i++) gz[i] ^= 0x5A; // damage the deflate data, keep the gzip header
        var (path, message) = ErrorReading("t10k-images-idx3-ubyte.gz", gz, IdxFile.ReadImages);
        Assert.StartsWith($"{path} is a damaged gzip file (", message);
        Assert.EndsWith("re-download or restore the file.", message);
    }

    [Fact]
    public void OversizedFileSaysHowManyBytesTooMany()
    {
        var (path, message) = ErrorReading("t10k-images-idx3-ubyte", [.. TestImages(), .. new byte[1234]], IdxFile.ReadImages);
        Assert.Equal($"{path} has 1,234 bytes more than its header announces (1,000 images of 28×28 = 784,000 bytes); " +
                     "it is damaged or not a single IDX file: re-download or restore the file.", message);
    }

    [Fact]
    public void LabelFileReadAsImagesSuggestsTheFilesAreSwapped()
    {
        var (path, message) = ErrorReading("t10k-labels-idx1-ubyte.gz", File.ReadAllBytes(TestLabelsGz), IdxFile.ReadImages);
        Assert.Equal($"{path} is an IDX label file (magic 2049), not an IDX image file (magic 2051): " +
                     "are the image and label files swapped?", message);
    }

    [Fact]
    public void FileThatIsNotIdxNamesTheMagicFound()
    {
        var (path, message) = ErrorReading("t10k-labels-idx1-ubyte", "<html>404 Not Found</html>"u8.ToArray(), p => IdxFile.ReadLabels(p));
        Assert.Equal($"{path} does not start with the magic number of an IDX label file (2049 = 0x00000801; found 0x3C68746D): " +
                     "it is not an MNIST-format file, or it is damaged; re-download or restore the file.", message);
    }

    [Fact]
    public void FileShorterThanItsHeaderIsTruncated()
    {
        var (path, message) = ErrorReading("t10k-images-idx3-ubyte", TestImages()[..10], IdxFile.ReadImages);
        Assert.Equal($"{path} is truncated: its header needs 16 bytes but the file has only 10; re-download or restore the file.", message);
    }

    [Fact]
    public void LabelOutsideTheClassesIsRejected()
    {
        var bytes = DataReference.Decompressed(TestLabelsGz);
        bytes[8 + 57] = 10;
        var (path, message) = ErrorReading("t10k-labels-idx1-ubyte", bytes, p => IdxFile.ReadLabels(p));
        Assert.StartsWith($"{path}: label 10 at index 57 is not one of the 10 classes (0–9);", message);

        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("labels"), bytes);
        Assert.Equal(10, IdxFile.ReadLabels(temp.File("labels"), classCount: 11).Values[57]);
    }

    [Fact]
    public void ImageAndLabelCountsMustAgree()
    {
        var bytes = DataReference.Decompressed(TestLabelsGz)[..(8 + 999)];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), 999);
        var (labelsPath, message) = ErrorReading("t10k-labels-idx1-ubyte", bytes, p => IdxFile.ReadPair(TestImagesGz, p));
        Assert.Equal($"{TestImagesGz} holds 1,000 images but {labelsPath} holds 999 labels; the two files must come from " +
                     "the same data set and split: re-download or restore both.", message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir", "t10k-images-idx3-ubyte.gz");
        var e = Assert.Throws<FileNotFoundException>(() => IdxFile.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    private static byte[] TestImages() => DataReference.Decompressed(TestImagesGz);

    /// <summary>Writes <paramref name="content"/> as <paramref name="name"/> in a fresh folder and returns the message <paramref name="read"/> fails with.</summary>
    private static (string Path, string Message) ErrorReading(string name, byte[] content, Func<string, object> read)
    {
        using var temp = new TempFolder();
        var path = temp.File(name);
        File.WriteAllBytes(path, content);
        return (path, Assert.Throws<InvalidDataException>(() => read(path)).Message);
    }

    /// <summary>
    /// A 1.5 MB gzip file announcing 2,000,000 images (1.5 GB of pixels, 6 GB as float32): refused from its header,
    /// in process and through the CLI in a child process that stays under 1 GiB (main read it all).
    /// </summary>
    [Fact]
    public void AGzipFileAnnouncingMillionsOfImagesIsRefusedBeforeAnythingIsAllocated()
    {
        using var temp = new TempFolder();
        var folder = temp.Folder("bomb");
        var images = Path.Combine(folder, MnistFiles.ImagesName(MnistSplit.Test) + ".gz");
        HostileFiles.IdxImagesGzip(images, 2_000_000);
        using (var labels = File.Create(Path.Combine(folder, MnistFiles.LabelsName(MnistSplit.Test))))
        {
            labels.Write([0, 0, 8, 1, 0, 0x1e, 0x84, 0x80]);   // 2,000,000 labels
            labels.Write(new byte[2_000_000]);
        }
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(images));
        Assert.Equal($"{images}: header says 2,000,000 images of 28×28 (1,568,000,000 bytes), more than the 134,217,728 bytes " +
                     "SharpCam reads from one IDX file; use a smaller set, or split it into files of at most that size.", error.Message);

        var result = CliProcess.Run(["test", "--checkpoint", RepoPaths.Fixture("checkpoints/lenet.pth"), "--data", folder, "--json"]);
        Assert.True(result.PeakBytes < 1L << 30, result.ToString());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{images}: header says 2,000,000 images", result.Message);
    }
}
