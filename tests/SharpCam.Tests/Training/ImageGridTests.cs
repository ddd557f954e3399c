using SharpCam.Training;
using static SharpCam.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace SharpCam.Tests.Training;

public class ImageGridTests
{
    [Fact]
    public void MatchesTorchvisionMakeGridOfTheFirstShuffledBatch()
    {
        using var scope = NewDisposeScope();
        // The short training's first epoch order is torch.randperm(256, generator seeded 42); its first 16 images.
        var order = Load("short_training.npz")["perms"][0].narrow(0, 0, 16);
        var grid = ImageGrid.Make(Digits("train").Images.index_select(0, order));
        var expected = Load("tensorboard_grid.npz")["grid_chw"]; // [3, 62, 242]: 2 rows of 8, padding 2
        Assert.Equal((242, 62), (grid.Width, grid.Height));
        // Exact: the same × 255 and truncation to uint8 as SummaryWriter.add_image.
        Assert.Equal(expected.permute(1, 2, 0).contiguous().data<long>().Select(v => (byte)v), grid.Pixels);
    }

    [Fact]
    public void EpochOrderIsTorchRandpermWithTheSeededGenerator()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(42);
        var perms = Load("short_training.npz")["perms"];
        for (int epoch = 0; epoch < 2; epoch++)
            Assert.Equal(perms[epoch].data<long>().ToArray(), randperm(256, generator: generator).data<long>().ToArray());
    }

    [Fact]
    public void OneImageComesBackUnpadded()
    {
        using var scope = NewDisposeScope();
        var grid = ImageGrid.Make(full(1, 1, 4, 5, 0.5f));
        Assert.Equal((5, 4), (grid.Width, grid.Height));
        Assert.All(grid.Pixels, p => Assert.Equal(127, p)); // 0.5 × 255 = 127.5, truncated as add_image does
    }

    [Fact]
    public void RejectsWhatIsNotAnImageBatch()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => ImageGrid.Make(zeros(2, 2, 28, 28)));
        Assert.Contains("[2, 2, 28, 28]", error.Message);
    }
}
