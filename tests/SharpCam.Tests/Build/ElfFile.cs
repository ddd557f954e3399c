using System.Buffers.Binary;
using System.Text;

namespace SharpCam.Tests.Build;

/// <summary>
/// The little of an ELF64 little-endian file (x86-64 shared objects and executables) that says what it links to:
/// the DT_NEEDED entries of its dynamic section, read through the program headers (PT_DYNAMIC for the entries,
/// PT_LOAD to turn DT_STRTAB's address into a file offset), as the dynamic loader reads them.
/// </summary>
public sealed record ElfFile(string Path, IReadOnlyList<string> Needed)
{
    private const uint PtLoad = 1, PtDynamic = 2;
    private const long DtNull = 0, DtNeeded = 1, DtStrtab = 5;
    private static readonly byte[] Magic = [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    /// <summary>True when the file starts with the ELF magic (0x7F 'E' 'L' 'F').</summary>
    public static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.Read(magic) == 4 && magic.SequenceEqual(Magic);
    }

    public static ElfFile Read(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || !elf.AsSpan(0, 4).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not an ELF file.");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");
        long phoff = I64(elf, 0x20);
        int phentsize = U16(elf, 0x36), phnum = U16(elf, 0x38);

        var loads = new List<(long Offset, long Address, long Size)>();
        (long Offset, long Size)? dynamic = null;
        for (int i = 0; i < phnum; i++)
        {
            int h = checked((int)(phoff + (long)i * phentsize));
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(h));
            long offset = I64(elf, h + 0x08), address = I64(elf, h + 0x10), fileSize = I64(elf, h + 0x20);
            if (type == PtLoad) loads.Add((offset, address, fileSize));
            else if (type == PtDynamic) dynamic = (offset, fileSize);
        }
        if (dynamic is not { } dyn) return new ElfFile(path, []);  // statically linked: needs nothing

        var neededOffsets = new List<long>();
        long strtabAddress = -1;
        for (long e = dyn.Offset; e + 16 <= dyn.Offset + dyn.Size; e += 16)
        {
            long tag = I64(elf, (int)e), value = I64(elf, (int)e + 8);
            if (tag == DtNull) break;
            if (tag == DtNeeded) neededOffsets.Add(value);
            else if (tag == DtStrtab) strtabAddress = value;
        }
        if (neededOffsets.Count == 0) return new ElfFile(path, []);
        var segment = loads.FirstOrDefault(l => strtabAddress >= l.Address && strtabAddress < l.Address + l.Size);
        if (segment == default) throw new InvalidDataException($"{path}: DT_STRTAB 0x{strtabAddress:x} lies in no loaded segment.");
        long strtab = strtabAddress - segment.Address + segment.Offset;
        return new ElfFile(path, neededOffsets.Select(o => CString(elf, strtab + o)).ToList());
    }

    private static long I64(byte[] b, int at) => BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(at));
    private static int U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private static string CString(byte[] b, long at)
    {
        int start = checked((int)at), end = Array.IndexOf(b, (byte)0, start);
        return Encoding.UTF8.GetString(b, start, end - start);
    }
}
