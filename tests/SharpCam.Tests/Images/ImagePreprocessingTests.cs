using SharpCam.Images;
using SharpCam.Models;
using SharpCam.Tests.Models;
using SharpCam.Tests.Support;
using static TorchSharp.torch;

namespace SharpCam.Tests.Images;

/// <summary>
/// The notebook's transform (Resize((224, 224)), ToTensor, Normalize) against torchvision 0.14 on PIL images:
/// tests/fixtures/zoo/images/resized/* are torchvision's Resize of the sample photos, made by make_image_fixtures.py.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class ImagePreprocessingTests
{
    private static string Sample(string file) => Path.Combine(RepoPaths.Root, "samples", file);

    [Theory]
    // Antialiased bilinear on 8-bit pixels vs PIL's: at most 1 level of 255 (measured: 1 level on 0–0.21% of the
    // values, astronaut identical); the mean bounds how rare that is. Plain bilinear without antialiasing differs by
    // 21–103 levels on these photos, so the test tells the filters apart.
    [InlineData("chelsea.png", 224)]
    [InlineData("coffee.png", 224)]
    [InlineData("astronaut.png", 224)]
    [InlineData("rocket.jpg", 224)]
    [InlineData("chelsea.png", 299)]
    [InlineData("rgb.png", 224)]  // the 40 × 30 test pattern enlarged
    public void ResizeMatchesTorchvisionResizeOfPilImages(string photo, int size)
    {
        using var scope = NewDisposeScope();
        var preprocessing = ImagePreprocessing.ImageNet with { Size = size };
        var resized = preprocessing.Resize(ImageFile.Read(photo == "rgb.png" ? ZooFixtures.Image(photo) : Sample(photo)));
        var reference = ImageFile.Read(ZooFixtures.Image($"resized/{Path.GetFileNameWithoutExtension(photo)}_{size}.png"));
        Assert.Equal((size, size), (resized.Width, resized.Height));
        var difference = (ImageFileTests.Pixels(reference) - ImageFileTests.Pixels(resized)).abs();
        Assert.True(difference.max().item<float>() <= 1, $"{photo}: max difference {difference.max().item<float>()} levels");
        Assert.True(difference.mean().item<float>() < 0.01, $"{photo}: mean difference {difference.mean().item<float>()} levels");
    }

    /// <summary>
    /// --preprocessing weights: torchvision's Resize(shorter side, filter) then CenterCrop on the PIL image
    /// (make_cnn_family_fixtures.py). Both resample with Pillow's separable antialiased filter in two passes rounded to
    /// 8 bits (libtorch's uint8 kernel is a port of it), so a pixel can differ only where a pass lands within rounding
    /// error of a half level: at most 1 level, rarely (the same bound as the notebook's resize above).
    /// </summary>
    [Theory]
    [InlineData("chelsea.png", "efficientnet_b0")]  // 256 bicubic → 224
    [InlineData("chelsea.png", "convnext_tiny")]    // 236 bilinear → 224
    [InlineData("coffee.png", "efficientnet_b3")]   // 320 bicubic → 300
    public void WeightsPreprocessingMatchesTorchvisionsTransformOfPilImages(string photo, string model)
    {
        using var scope = NewDisposeScope();
        var preprocessing = ModelZoo.Get(model).Preprocessing(mode: PreprocessingMode.Weights);
        var resized = preprocessing.Resize(ImageFile.Read(Sample(photo)));
        var reference = ImageFile.Read(ZooFixtures.Image($"resized/{Path.GetFileNameWithoutExtension(photo)}_{model}.png"));
        Assert.Equal((reference.Width, reference.Height), (resized.Width, resized.Height));
        var difference = (ImageFileTests.Pixels(reference) - ImageFileTests.Pixels(resized)).abs();
        Assert.True(difference.max().item<float>() <= 1, $"{photo} as {model}: max difference {difference.max().item<float>()} levels");
        Assert.True(difference.mean().item<float>() < 0.01, $"{photo} as {model}: mean difference {difference.mean().item<float>()} levels");
    }

    [Fact]
    public void WeightsPreprocessingIsDescribedAndKeepsTheWeightsCrop()
    {
        var b0 = ModelZoo.Get("efficientnet_b0");
        Assert.Equal("resize to 256 (bicubic), centre crop 224×224", b0.Preprocessing(mode: PreprocessingMode.Weights).Description);
        Assert.Equal("resize to 224×224 (bilinear)", b0.Preprocessing().Description);
        Assert.Contains("crops 224×224", Assert.Throws<ArgumentException>(() => b0.Preprocessing(256, PreprocessingMode.Weights)).Message);
        Assert.Contains("no published weights", Assert.Throws<ArgumentException>(() => ModelZoo.Get("lenet").Preprocessing(mode: PreprocessingMode.Weights)).Message);
    }

    [Fact]
    public void ToTensorScalesToUnitRangeThenNormalisesPerChannelInRgbOrder()
    {
        using var scope = NewDisposeScope();
        var image = ImageFile.Read(ZooFixtures.Image("resized/chelsea_224.png"));
        var x = ImagePreprocessing.ImageNet.ToTensor(image);
        Assert.Equal(new long[] { 3, 224, 224 }, x.shape);
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        foreach (var (row, column) in new[] { (0, 0), (17, 200), (223, 223), (100, 31) })
        for (int c = 0; c < 3; c++)
        {
            var pixel = image.Pixels[(row * 224 + column) * 3 + c];
            // torchvision: (uint8 / 255 - mean) / std in float32, the same operations in the same order: exact.
            Assert.Equal((pixel / 255f - mean[c]) / std[c], x[c, row, column].item<float>());
        }
    }

    [Fact]
    public void PhotoThroughOurResizeDiffersFromTorchvisionsInputByAtMostOneLevel()
    {
        using var scope = NewDisposeScope();
        var ours = ImagePreprocessing.ImageNet.ToTensor(ImageFile.Read(Sample("chelsea.png")));
        var theirs = ImagePreprocessing.ImageNet.ToTensor(ImageFile.Read(ZooFixtures.Image("resized/chelsea_224.png")));
        // One level is 1/255 before normalisation, 1/255/0.225 = 0.0174 after (the smallest std is 0.224).
        TensorAssert.Close(theirs, ours, 1 / 255.0 / 0.224 + 1e-6, "normalised input");
    }

    [Fact]
    public void GreyModelsSeePilsLuminanceResized()
    {
        using var scope = NewDisposeScope();
        var lenet = ModelZoo.Get("lenet").Preprocessing();
        Assert.Equal((28, 1), (lenet.Size, lenet.Channels));
        var x = lenet.ToTensor(ImageFile.Read(Sample("chelsea.png")));
        Assert.Equal(new long[] { 1, 28, 28 }, x.shape);
        var reference = ImageFileTests.Pixels(ImageFile.Read(ZooFixtures.Image("resized/chelsea_grey_28.png")))[.., .., 0];
        // LeNet's mean 0 and std 1 leave pixel / 255: one level of PIL's convert('L') + Resize.
        TensorAssert.Close(reference, x[0] * 255, 1 + 1e-3, "grey 28×28");
    }

    [Fact]
    public void BatchesStackImages()
    {
        using var scope = NewDisposeScope();
        var images = new[] { "chelsea.png", "rocket.jpg" }.Select(f => ImageFile.Read(Sample(f))).ToList();
        var preprocessing = ModelZoo.Get("inception_v3").Preprocessing();
        var batch = preprocessing.ToBatch(images);
        Assert.Equal(new long[] { 2, 3, 299, 299 }, batch.shape);
        TensorAssert.Close(preprocessing.ToTensor(images[1]), batch[1], 0, "second image");
    }
}
