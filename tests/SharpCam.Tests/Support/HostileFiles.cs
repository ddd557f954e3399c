using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SharpCam.Data;

namespace SharpCam.Tests.Support;

/// <summary>
/// Writes the large hostile files at test time (too big to commit): torch.save zips whose storages are gigabytes of
/// zeros (deflated, so the file stays a few MB), a zip whose data.pkl inflates to gigabytes, a gzip IDX announcing
/// millions of images. The zips are torch.save's layout exactly (archive/data.pkl, archive/data/&lt;key&gt;,
/// archive/version), with the pickle a state dict as torch pickles one (see tests/fixtures/hostile/make_hostile_fixtures.py
/// for the same built with Python's pickler).
/// </summary>
public static class HostileFiles
{
    /// <summary>One tensor of a state dict: its key, its shape (C-contiguous, offset 0, its own float32 storage).</summary>
    public sealed record Declared(string Key, long[] Shape)
    {
        public long Numel => Shape.Aggregate(1L, (n, d) => n * d);
    }

    /// <summary>
    /// A state dict of float32 tensors; each storage holds zeros of the declared size, deflated (as no torch.save
    /// writes, and as a zip bomb does) or stored.
    /// </summary>
    public static void StateDictZip(string path, IReadOnlyList<Declared> tensors, bool deflate = true)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Write(zip, "archive/data.pkl", StateDictPickle(tensors), CompressionLevel.NoCompression);
        for (int i = 0; i < tensors.Count; i++)
            WriteZeros(zip, $"archive/data/{i}", tensors[i].Numel * 4, deflate ? CompressionLevel.Fastest : CompressionLevel.NoCompression);
        Write(zip, "archive/version", "3\n"u8.ToArray(), CompressionLevel.NoCompression);
    }

    /// <summary>A torch zip whose archive/data.pkl is <paramref name="bytes"/> of zeros, deflated.</summary>
    public static void PickleBomb(string path, long bytes)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        WriteZeros(zip, "archive/data.pkl", bytes, CompressionLevel.Fastest);
        Write(zip, "archive/version", "3\n"u8.ToArray(), CompressionLevel.NoCompression);
    }

    /// <summary>A gzip IDX image file announcing <paramref name="count"/> blank 28×28 images, and all their bytes.</summary>
    public static void IdxImagesGzip(string path, int count)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        var header = new byte[16];
        foreach (var (value, at) in new[] { (IdxFile.ImageMagic, 0), (count, 4), (28, 8), (28, 12) })
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(at), value);
        gzip.Write(header);
        WriteZeros(gzip, (long)count * 28 * 28);
    }

    /// <summary>The pickle torch.save writes for an OrderedDict of tensors (protocol 2): storage i is named "i".</summary>
    public static byte[] StateDictPickle(IReadOnlyList<Declared> tensors)
    {
        var pickle = new MemoryStream();
        void Put(params object[] parts)
        {
            foreach (var part in parts)
                switch (part)
                {
                    case int b: pickle.WriteByte((byte)b); break;
                    case string text: pickle.Write(Encoding.Latin1.GetBytes(text)); break;
                    case byte[] bytes: pickle.Write(bytes); break;
                }
        }
        void Text(string text)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            Put("X", BitConverter.GetBytes((uint)utf8.Length), utf8);
        }
        void Int(long value)
        {
            if (value is >= 0 and < 256) Put("K", (int)value);
            else if (value is >= int.MinValue and <= int.MaxValue) Put("J", BitConverter.GetBytes((int)value));
            else Put(0x8a, 8, BitConverter.GetBytes(value));   // LONG1, as pickle writes integers beyond 32 bits
        }
        void Tuple(IEnumerable<long> values)
        {
            Put("(");
            foreach (var v in values) Int(v);
            Put("t");
        }

        Put(0x80, 2, "ccollections\nOrderedDict\n)R");
        for (int i = 0; i < tensors.Count; i++)
        {
            var (key, shape) = (tensors[i].Key, tensors[i].Shape);
            var strides = new long[shape.Length];
            long stride = 1;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                strides[d] = stride;
                stride *= shape[d];
            }
            Text(key);
            Put("ctorch._utils\n_rebuild_tensor_v2\n(");
            Put("(");
            Text("storage");
            Put("ctorch\nFloatStorage\n");
            Text(i.ToString());
            Text("cpu");
            Int(tensors[i].Numel);
            Put("tQ");
            Int(0);
            Tuple(shape);
            Tuple(strides);
            Put(0x89, "ccollections\nOrderedDict\n)RtR");
            Put("s");
        }
        Put(".");
        return pickle.ToArray();
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        using var entry = zip.CreateEntry(name, level).Open();
        entry.Write(bytes);
    }

    private static void WriteZeros(ZipArchive zip, string name, long bytes, CompressionLevel level)
    {
        using var entry = zip.CreateEntry(name, level).Open();
        WriteZeros(entry, bytes);
    }

    private static void WriteZeros(Stream stream, long bytes)
    {
        var zeros = new byte[1 << 20];
        for (long left = bytes; left > 0; left -= zeros.Length) stream.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
    }
}
