using SharpCam.Data;

namespace SharpCam.Tests.Cli;

/// <summary>
/// A small real MNIST folder for fast CLI runs: the first 2,000 training and 200 test digits of the bundled sample,
/// written as raw IDX files (the reader's own tests cover .gz and the full sample).
/// </summary>
public sealed class TinyMnist : IDisposable
{
    public const int TrainCount = 2000, TestCount = 200;

    public TinyMnist()
    {
        Folder = Directory.CreateTempSubdirectory("sharpcam-tiny-mnist-").FullName;
        foreach (var (split, count) in new[] { (MnistSplit.Train, TrainCount), (MnistSplit.Test, TestCount) })
        {
            var images = IdxFile.ReadImages(MnistFiles.Locate(BundledData.MnistSample, MnistFiles.ImagesName(split)));
            var labels = IdxFile.ReadLabels(MnistFiles.Locate(BundledData.MnistSample, MnistFiles.LabelsName(split)));
            Write(Path.Combine(Folder, MnistFiles.ImagesName(split)), IdxFile.ImageMagic, [count, 28, 28], images.Pixels.AsSpan(0, count * 784));
            Write(Path.Combine(Folder, MnistFiles.LabelsName(split)), IdxFile.LabelMagic, [count], labels.Values.AsSpan(0, count));
        }
    }

    public string Folder { get; }

    public string NewOutputPath(string name) => Path.Combine(Folder, "out", name);

    /// <summary>An IDX file: big-endian magic and dimensions, then the bytes.</summary>
    public static void Write(string path, int magic, int[] dims, ReadOnlySpan<byte> data)
    {
        using var stream = File.Create(path);
        foreach (var value in new[] { magic }.Concat(dims))
            stream.Write(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value)));
        stream.Write(data);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
