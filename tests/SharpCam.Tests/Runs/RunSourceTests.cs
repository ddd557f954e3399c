using SharpCam.Cam;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Labels;
using SharpCam.Models;
using SharpCam.Rendering;
using SharpCam.Runs;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Runs;

/// <summary>A C# caller's own enumerable of pictures runs through the same pipeline as files, with the maps GradCam gives directly.</summary>
public class RunSourceTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static IEnumerable<RunPicture> Digits(MnistDataset test, int count)
    {
        for (int i = 0; i < count; i++)   // lazily: the run pulls them one by one
            yield return new RunPicture($"digit-{i}", TensorImages.ToRgbImage(test.Images[i]), (int)test.Labels[i].item<long>());
    }

    private static async IAsyncEnumerable<RunPicture> DigitsAsync(MnistDataset test, int count)
    {
        foreach (var picture in Digits(test, count))
        {
            await Task.Yield();
            yield return picture;
        }
    }

    /// <summary>MNIST digits are [0, 1] with no normalisation: ToTensor's luminance of the grey RgbImage gives back the same bytes.</summary>
    private static readonly ImagePreprocessing Digit = new(28, [0f], [1f]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnEnumerableOfPicturesIsExplainedItemByItem(bool asynchronous)
    {
        using var scope = NewDisposeScope();
        using var test = MnistDataset.Load(BundledData.MnistSample, MnistSplit.Test);
        manual_seed(7);
        using var model = new LeNet();
        model.eval();
        const int count = 6;
        var method = new GradCam(model, [LeNet.DefaultTargetLayer]);
        var run = new DataSetRun(method, new ClassNames(test.ClassNames), new RunOptions { BatchSize = count, Figures = FigureMode.None });
        var source = asynchronous ? RunSource.FromPictures(DigitsAsync(test, count), Digit) : RunSource.FromPictures(Digits(test, count), Digit);
        var outDir = Path.Combine(_temp.Path, "out");

        var result = run.Run(source, outDir, new ManifestModel { Architecture = "lenet" });

        Assert.False(result.Interrupted);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"digit-{i}"), manifest.Items.Select(i => i.Id));
        // The same batch through GradCam directly: the same computation, so the same float32 maps bit for bit.
        using var direct = method.Explain(test.Images.narrow(0, 0, count));
        for (int i = 0; i < count; i++)
        {
            using var map = Npy.Load(Path.Combine(outDir, manifest.Items[i].Map!));
            Assert.Equal(direct.FeatureMaps[i].data<float>().ToArray(), map.data<float>().ToArray());
            Assert.Equal((int)test.Labels[i].item<long>(), manifest.Items[i].TrueLabel);
        }
    }

    /// <summary>A folder as the CLI takes it: items in path order, ids from the position and the name, class folders as labels; nothing is read yet.</summary>
    [Fact]
    public async Task FilesAreListedWithoutBeingRead()
    {
        foreach (var (label, photo) in new[] { ("tabby", "chelsea.png"), ("espresso", "coffee.png") })
            File.Copy(Path.Combine(RepoPaths.Root, "samples", photo), _temp.File($"photos/{label}/{photo}"));
        File.WriteAllText(_temp.File("photos/tabby/broken.jpg"), "not a picture");   // listed; only reading it would fail

        var source = RunSource.FromFiles([Path.Combine(_temp.Path, "photos")], ImagePreprocessing.ImageNet, ClassNames.ImageNet);
        var items = new List<RunSourceItem>();
        await foreach (var item in source.Items()) items.Add(item);

        Assert.Equal(["0000-coffee", "0001-broken", "0002-chelsea"], items.Select(i => i.Id));
        Assert.Equal([ClassNames.ImageNet.MatchFolder("espresso"), ClassNames.ImageNet.MatchFolder("tabby"), ClassNames.ImageNet.MatchFolder("tabby")],
            items.Select(i => i.TrueLabel));
        Assert.Equal(3, source.Data.Count);
    }

    /// <summary>
    /// --fast-decode: the model sees the JPEG decoded at libjpeg's reduced scale (the decode itself is checked against
    /// cv2's IMREAD_REDUCED_* in ImageDecodingParityTests), whether or not a figure needs the full-size photo.
    /// </summary>
    [Fact]
    public async Task ReducedDecodingFeedsTheModelTheScaledJpegWhateverTheFigures()
    {
        using var scope = NewDisposeScope();
        var rocket = Path.Combine(RepoPaths.Root, "samples", "rocket.jpg");     // 640 × 427: 5/8 = 400 × 267 covers 224 × 224
        var chelsea = Path.Combine(RepoPaths.Root, "samples", "chelsea.png");   // not a JPEG: decoded in full
        var preprocessing = ImagePreprocessing.ImageNet;
        var source = RunSource.FromImages([new ImageInput(rocket, null), new ImageInput(chelsea, null)], preprocessing, ClassNames.ImageNet,
                                          ImageLimits.DefaultMaxPixels, decoding: PhotoDecoding.Reduced);
        var items = new List<RunSourceItem>();
        await foreach (var item in source.Items()) items.Add(item);

        var scaled = ImageFile.Read(rocket, new ImageReadOptions { AtLeast = new ImageSize(224, 224) });
        Assert.Equal((400, 267), (scaled.Width, scaled.Height));
        var hidden = items[0].Load(false);
        var shown = items[0].Load(true);
        Assert.Null(hidden.Display);
        Assert.Equal((640, 427), (shown.Display!.Width, shown.Display.Height));
        var expected = preprocessing.ToTensor(scaled).data<float>().ToArray();
        Assert.Equal(expected, hidden.ModelInput.data<float>().ToArray());   // the same computation: bit-equal
        Assert.Equal(expected, shown.ModelInput.data<float>().ToArray());
        // Still the same picture as a full decode: a wrong orientation or channel order would be tens of levels off on
        // average; the scaled IDCT's different averaging is about one level (0.02 in normalised units is ~1.2 levels).
        var full = preprocessing.ToTensor(ImageFile.Read(rocket));
        Assert.True((hidden.ModelInput - full).abs().mean().item<float>() < 0.05f);
        Assert.Equal(preprocessing.ToTensor(ImageFile.Read(chelsea)).data<float>().ToArray(), items[1].Load(false).ModelInput.data<float>().ToArray());
        Assert.Equal("reduced", source.Data.Decoding);
    }

    public void Dispose() => _temp.Dispose();
}
