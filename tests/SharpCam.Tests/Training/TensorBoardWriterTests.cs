using SharpCam.Images;
using System.Text;
using SharpCam.Tests.Support;
using SharpCam.Training;
using static SharpCam.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace SharpCam.Tests.Training;

/// <summary>Event files read back by <see cref="EventFileReader"/>, written from the TFRecord and event.proto specs.</summary>
public class TensorBoardWriterTests
{
    [Fact]
    public void ReferenceCrc32CMatchesTheStandardCheckValues()
    {
        // The CRC-32C catalogue's check value, and RFC 3720 appendix B.4's 32 zero bytes / 32 bytes 0xFF.
        Assert.Equal(0xE3069283u, EventFileReader.Crc32C(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0x8A9136AAu, EventFileReader.Crc32C(new byte[32]));
        Assert.Equal(0x62A8AB43u, EventFileReader.Crc32C(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
    }

    [Fact]
    public void WritesFramedEventsWithScalarsAndAPngImage()
    {
        using var root = new TempFolder();
        var picture = new RgbImage(3, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
        var before = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        string path;
        using (var writer = new TensorBoardWriter(root.Path))
        {
            writer.AddScalar("val_loss", 0.125, 7);
            writer.AddImage("train_images", picture, 8);
            path = writer.FilePath;
        }
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\.[^.]+.*\.\d+\.\d+$", Path.GetFileName(path));
        var events = EventFileReader.Read(path);
        Assert.Equal(3, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.All(events, e => Assert.InRange(e.WallTime, before - 1, before + 60));
        Assert.Equal(("val_loss", 0.125f, 7L), (events[1].Tag, events[1].SimpleValue!.Value, events[1].Step));
        var image = events[2].Image!;
        Assert.Equal(("train_images", 8L, 2, 3, 3), (events[2].Tag, events[2].Step, image.Height, image.Width, image.Colorspace));
        Assert.Equal(picture.Pixels, DecodePng(image.Png).Pixels);
    }

    [Fact]
    public void TrainingLogsTheNotebooksScalarsAndFirstBatchPicture()
    {
        using var scope = NewDisposeScope();
        using var root = new TempFolder();
        using var model = InitialLeNet();
        var summary = new Trainer(new TrainingOptions { Epochs = 1 }).Fit(model, Digits("train"), Digits("val"), RunFolder.CreateNext(root.Path, "tb"));
        var events = EventFileReader.Read(summary.EventFile);

        // Version event, the batch picture, 8 step losses, then the epoch's scalars at its last step (7).
        Assert.Equal(new[] { null, "train_images" }.Concat(Enumerable.Repeat("train_loss_step", 8))
                .Concat(["train_loss", "train_acc", "val_loss", "val_acc", "epoch"]),
            events.Select(e => e.Tag));
        var epoch = summary.Epochs[0];
        Assert.Equal(new[] { epoch.TrainLoss, epoch.TrainAccuracy, epoch.ValLoss, epoch.ValAccuracy, 0 }.Select(v => (float)v),
            events.TakeLast(5).Select(e => e.SimpleValue!.Value));
        Assert.All(events.TakeLast(5), e => Assert.Equal(7, e.Step));

        // The picture equals PyTorch's add_image(make_grid(first 16 of the first shuffled batch)) pixel for pixel,
        // so the shuffle order is torch.randperm's too.
        var grid = Load("tensorboard_grid.npz")["grid_chw"];
        var picture = events[1].Image!;
        Assert.Equal((grid.shape[1], grid.shape[2], 3), (picture.Height, picture.Width, picture.Colorspace));
        Assert.Equal(grid.permute(1, 2, 0).contiguous().data<long>().Select(v => (byte)v), DecodePng(picture.Png).Pixels);
    }

    private static RgbImage DecodePng(byte[] png) => ImageFile.Decode(png, "TensorBoard image");
}
