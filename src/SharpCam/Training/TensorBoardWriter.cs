using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using SharpCam.Images;
using Tensorboard;
using TorchSharp.Utils;

namespace SharpCam.Training;

/// <summary>
/// Writes a TensorBoard event file (`events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;n&gt;`) as
/// PyTorch's SummaryWriter does: TFRecord framing (uint64 length, masked CRC32C of the length, the serialized
/// Event, masked CRC32C of the event), first a `brain.Event:2` version event, then scalars as `simple_value` and
/// images as PNG. TorchSharp's own SummaryWriter is not used: it stamps the version event with .NET ticks instead of
/// Unix seconds, rounds wall times to whole seconds and reopens the file for every event.
/// The file is append-only and flushed after every event; a crash can only cut the last record short, which
/// TensorBoard's reader treats as the end of the file.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private static int nextFileNumber;
    private readonly FileStream stream;

    public TensorBoardWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var name = $"events.out.tfevents.{seconds:D10}.{Dns.GetHostName()}.{Environment.ProcessId}.{Interlocked.Increment(ref nextFileNumber) - 1}";
        FilePath = Path.Combine(directory, name);
        stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Write(new Event { WallTime = WallTime(), FileVersion = "brain.Event:2" });
    }

    public string FilePath { get; }

    public void AddScalar(string tag, double value, long step) =>
        Write(new Event
        {
            WallTime = WallTime(), Step = step,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = (float)value } } },
        });

    /// <summary>Logs an RGB picture, PNG-encoded (TensorBoard's IMAGES tab), as add_image does.</summary>
    public void AddImage(string tag, RgbImage image, long step)
    {
        var png = new Summary.Types.Image
        {
            Height = image.Height, Width = image.Width, Colorspace = 3,
            EncodedImageString = ByteString.CopyFrom(Png.Encode(image)),
        };
        Write(new Event
        {
            WallTime = WallTime(), Step = step,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, Image = png } } },
        });
    }

    public void Dispose() => stream.Dispose();

    private void Write(Event e)
    {
        var data = e.ToByteArray();
        var header = new byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), MaskedCrc(header[..8]));
        var footer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
        stream.Flush();
    }

    /// <summary>TFRecord's masked CRC32C: rotate right by 15 bits, add 0xa282ead8.</summary>
    internal static uint MaskedCrc(byte[] data)
    {
        var crc = CRC32C.process(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private static double WallTime() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
}
