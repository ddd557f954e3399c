using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Checkpoints;

/// <summary>Moves a tensor's raw C-order bytes between a stream and native memory in bulk (no per-element work).</summary>
internal static class RawTensorData
{
    private const int BufferSize = 1 << 20;

    /// <summary>Reads a new CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> from the stream's position.</summary>
    /// <param name="bigEndian">The bytes were written by a big-endian machine: each element is byte-swapped.</param>
    public static Tensor Read(Stream stream, ScalarType dtype, long[] shape, bool bigEndian = false)
    {
        var tensor = empty(shape, dtype);
        if (tensor.numel() == 0) return tensor;
        int elementSize = dtype.ElementSize();
        if (!bigEndian || elementSize == 1)
        {
            tensor.ReadBytesFromStream(stream, BufferSize);
            return tensor;
        }
        var bytes = new byte[tensor.numel() * elementSize];
        stream.ReadExactly(bytes);
        for (int i = 0; i < bytes.Length; i += elementSize) bytes.AsSpan(i, elementSize).Reverse();
        tensor.bytes = bytes;
        return tensor;
    }

    /// <summary>Writes the tensor's elements in C order, little-endian (as stored on this machine).</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        if (cpu.numel() > 0) cpu.WriteBytesToStream(stream, BufferSize);
    }
}
