using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace SharpCam.IO;

/// <summary>
/// NumPy's .npy (format 1.0, little-endian, C order) for float32, float64, int64 (and, when reading, uint8 and bool) arrays, and reading .npz
/// archives. Maps are written as float32 .npy so Python users can np.load them.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Writes a tensor as float32 .npy, atomically (a temp file renamed into place).</summary>
    public static void Save(string path, Tensor tensor)
    {
        using var cpu = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        var data = cpu.data<float>().ToArray();
        AtomicFile.Write(path, stream => Write(stream, data, cpu.shape));
    }

    /// <summary>Writes float32 data with a shape as .npy to a stream.</summary>
    public static void Write(Stream stream, float[] data, long[] shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        // Header length pads magic + version + length + header + newline to a multiple of 64 bytes.
        int total = Magic.Length + 2 + 2 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.Write(new byte[] { 1, 0 });
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        var bytes = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        stream.Write(bytes);
    }

    /// <summary>Reads a .npy file into a tensor (float32 stays float32, float64 becomes float32, int64 stays int64).</summary>
    public static Tensor Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Every array of a .npz archive, by name (without the .npy suffix).</summary>
    public static Dictionary<string, Tensor> LoadArchive(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, Tensor>();
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            buffer.Position = 0;
            arrays[Path.GetFileNameWithoutExtension(entry.FullName)] = Read(buffer, $"{path}:{entry.FullName}");
        }
        return arrays;
    }

    /// <summary>Reads one .npy array from a stream; <paramref name="source"/> names it in errors.</summary>
    public static Tensor Read(Stream stream, string source)
    {
        using var reader = new BinaryReader(stream);
        if (!reader.ReadBytes(6).SequenceEqual(Magic)) throw new InvalidDataException($"{source}: not a .npy array (bad magic).");
        var major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        var header = Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True")) throw new InvalidDataException($"{source}: Fortran-order arrays are not supported.");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        switch (descr)
        {
            case "<f4":
            {
                var data = new float[count];
                Buffer.BlockCopy(reader.ReadBytes((int)count * 4), 0, data, 0, (int)count * 4);
                return tensor(data, shape);
            }
            case "<f8":
            {
                var data = new double[count];
                Buffer.BlockCopy(reader.ReadBytes((int)count * 8), 0, data, 0, (int)count * 8);
                return tensor(data.Select(d => (float)d).ToArray(), shape);
            }
            case "<i8":
            {
                var data = new long[count];
                Buffer.BlockCopy(reader.ReadBytes((int)count * 8), 0, data, 0, (int)count * 8);
                return tensor(data, shape);
            }
            case "|u1":
                return tensor(reader.ReadBytes((int)count), shape);
            case "|b1":
                return tensor(reader.ReadBytes((int)count).Select(b => b != 0).ToArray(), shape);
            default:
                throw new InvalidDataException($"{source}: unsupported dtype '{descr}' (float32, float64, int64, uint8 and bool are read).");
        }
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
