using SharpCam.Models;

namespace SharpCam.Tests.Models;

public class ModelSpecTests
{
    [Fact]
    public void PreprocessingUsesTheModelsSizeMeanAndStd()
    {
        var preprocessing = ModelZoo.Get("vgg16").Preprocessing();
        Assert.Equal(224, preprocessing.Size);
        Assert.Equal([0.485f, 0.456f, 0.406f], preprocessing.Mean);
        Assert.Equal([0.229f, 0.224f, 0.225f], preprocessing.Std);
        Assert.Equal(299, ModelZoo.Get("inception_v3").Preprocessing().Size);
        Assert.Equal(320, ModelZoo.Get("inception_v3").Preprocessing(320).Size);
    }

    [Fact]
    public void InputSizesBelowTheArchitecturesMinimumAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Get("inception_v3").Preprocessing(64));
        Assert.Contains("75", error.Message);
    }
}
