using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace SharpCam.Data;

/// <summary>The images of an IDX file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/> bytes, row-major, one after another.</summary>
public sealed record IdxImages(string Path, int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>The labels of an IDX file, one byte per item.</summary>
public sealed record IdxLabels(string Path, byte[] Values)
{
    public int Count => Values.Length;
}

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header
/// (magic number, then one 32-bit size per dimension) followed by unsigned bytes. Files may be gzip-compressed;
/// that is recognised by the gzip magic bytes 1f 8b, not by the file name. Every check names the file, the problem
/// and the fix.
/// </summary>
public static class IdxFile
{
    /// <summary>Magic number of an image file: unsigned bytes (0x08), 3 dimensions (count, rows, columns).</summary>
    public const int ImageMagic = 0x0803;

    /// <summary>Magic number of a label file: unsigned bytes (0x08), 1 dimension (count).</summary>
    public const int LabelMagic = 0x0801;

    private const string Fix = "re-download or restore the file";

    /// <summary>
    /// Largest body SharpCam reads from one IDX file (128 MiB; MNIST's training images are 47 MB). The whole set is held
    /// in memory (as float32, 4× this), and a 1.5 MB gzip file can announce gigabytes, so the header's sizes are
    /// checked against this before anything is allocated.
    /// </summary>
    public const long MaxBodyBytes = 128L << 20;

    public static IdxImages ReadImages(string path)
    {
        using var stream = Open(path);
        var header = ReadHeader(stream, path, ImageMagic, 16);
        int count = Dimension(header, 1, path), rows = Dimension(header, 2, path), columns = Dimension(header, 3, path);
        var what = $"{N(count)} images of {rows}×{columns}";
        // Three 31-bit sizes multiply to up to 93 bits: a 64-bit product could wrap to a small (or negative) length
        // that passes the size limit, so it is computed exactly and clamped, and the limit refuses it.
        var bytes = (Int128)count * rows * columns;
        var pixels = ReadBody(stream, path, bytes > long.MaxValue ? long.MaxValue : (long)bytes, what);
        return new IdxImages(path, count, rows, columns, pixels);
    }

    /// <summary>Reads labels and checks each is a class index below <paramref name="classCount"/>.</summary>
    public static IdxLabels ReadLabels(string path, int classCount = 10)
    {
        using var stream = Open(path);
        var header = ReadHeader(stream, path, LabelMagic, 8);
        int count = Dimension(header, 1, path);
        var values = ReadBody(stream, path, count, $"{N(count)} labels");
        int bad = Array.FindIndex(values, v => v >= classCount);
        if (bad >= 0)
            throw new InvalidDataException(
                $"{path}: label {values[bad]} at index {N(bad)} is not one of the {classCount} classes (0–{classCount - 1}); " +
                $"the file is damaged or belongs to a data set with more classes: {Fix}.");
        return new IdxLabels(path, values);
    }

    /// <summary>Reads an image file and its label file and checks that they hold the same number of items.</summary>
    public static (IdxImages Images, IdxLabels Labels) ReadPair(string imagesPath, string labelsPath, int classCount = 10)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, classCount);
        if (images.Count != labels.Count)
            throw new InvalidDataException(
                $"{imagesPath} holds {N(images.Count)} images but {labelsPath} holds {N(labels.Count)} labels; " +
                "the two files must come from the same data set and split: re-download or restore both.");
        return (images, labels);
    }

    /// <summary>The file's bytes, decompressed when the file starts with the gzip magic bytes.</summary>
    private static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist; check the path or {Fix}.", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static byte[] ReadHeader(Stream stream, string path, int magic, int length)
    {
        var header = new byte[length];
        int got = Fill(stream, header, path);
        if (got < 4)
            throw new InvalidDataException($"{path} is too short to be an IDX file ({N(got)} bytes); {Fix}.");
        int found = BinaryPrimitives.ReadInt32BigEndian(header);
        if (found != magic)
            throw new InvalidDataException($"{path} {DescribeWrongMagic(found, magic)}");
        if (got < length)
            throw new InvalidDataException($"{path} is truncated: its header needs {length} bytes but the file has only {got}; {Fix}.");
        return header;
    }

    private static string DescribeWrongMagic(int found, int expected)
    {
        string Kind(int magic) => magic == ImageMagic ? "an IDX image file" : "an IDX label file";
        return found is ImageMagic or LabelMagic
            ? $"is {Kind(found)} (magic {found}), not {Kind(expected)} (magic {expected}): are the image and label files swapped?"
            : $"does not start with the magic number of {Kind(expected)} ({expected} = 0x{expected:X8}; found 0x{found:X8}): " +
              $"it is not an MNIST-format file, or it is damaged; {Fix}.";
    }

    private static int Dimension(byte[] header, int index, string path)
    {
        int size = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * index));
        if (size < 0) throw new InvalidDataException($"{path}: header dimension {index} is negative ({size}); the file is damaged: {Fix}.");
        return size;
    }

    /// <summary>Reads exactly the body the header announces, in one bulk read, and checks nothing follows it.</summary>
    private static byte[] ReadBody(Stream stream, string path, long length, string what)
    {
        if (length > MaxBodyBytes)
            throw new InvalidDataException($"{path}: header says {what} ({(length == long.MaxValue ? "more than 2^63" : N(length))} bytes), more than the {N(MaxBodyBytes)} bytes " +
                                           "SharpCam reads from one IDX file; use a smaller set, or split it into files of at most that size.");
        if (stream is FileStream file && length > file.Length - file.Position)
            throw new InvalidDataException(
                $"{path} is truncated: header says {what} ({N(length)} bytes) but only {N(file.Length - file.Position)} follow; {Fix}.");
        var body = new byte[length];
        int got = Fill(stream, body, path);
        if (got < length)
            throw new InvalidDataException($"{path} is truncated: header says {what} ({N(length)} bytes) but only {N(got)} follow; {Fix}.");
        long extra = CountRest(stream, path);
        if (extra > 0)
            throw new InvalidDataException(
                $"{path} has {N(extra)} bytes more than its header announces ({what} = {N(length)} bytes); " +
                $"it is damaged or not a single IDX file: {Fix}.");
        return body;
    }

    private static int Fill(Stream stream, byte[] buffer, string path) =>
        GzipErrors(path, () => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false));

    private static long CountRest(Stream stream, string path) => GzipErrors(path, () =>
    {
        var sink = new byte[1 << 16];
        long total = 0;
        for (int n; (n = stream.Read(sink)) > 0;) total += n;
        return total;
    });

    /// <summary>A damaged gzip stream throws InvalidDataException without naming the file: add the name and the fix.</summary>
    private static T GzipErrors<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path} is a damaged gzip file ({e.Message}); {Fix}.", e); }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
