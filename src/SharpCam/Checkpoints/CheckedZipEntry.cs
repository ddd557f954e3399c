using System.IO.Compression;
using System.IO.Hashing;

namespace SharpCam.Checkpoints;

/// <summary>
/// Reads a zip entry and checks its CRC-32, which .NET's ZipArchive does not: without this a flipped bit in a storage
/// would load silently as a wrong weight.
/// </summary>
internal static class CheckedZipEntry
{
    /// <summary>Runs <paramref name="read"/>, which must read the entry to its end, then compares the checksum.</summary>
    public static T Read<T>(ZipArchiveEntry entry, string path, Func<Stream, T> read)
    {
        using var stream = new ChecksumStream(entry.Open());
        var result = read(stream);
        if (stream.Crc32 != entry.Crc32)
        {
            (result as IDisposable)?.Dispose();
            throw CheckpointReadException.Damaged(path, $"the checksum of {entry.FullName} does not match its bytes",
                                                  "copy it again, or re-save it with torch.save");
        }
        return result;
    }

    /// <summary>A read-only pass-through that hashes every byte read.</summary>
    private sealed class ChecksumStream(Stream inner) : Stream
    {
        private readonly Crc32 crc = new();

        public uint Crc32 => crc.GetCurrentHashAsUInt32();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            crc.Append(buffer[..read]);
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
