using SharpCam.Images;
using static TorchSharp.torch;

namespace SharpCam.Tests.Images;

public class TensorImagesTests
{
    [Fact]
    public void MapsComeOutRowMajorFromHwAndOneHw()
    {
        using var map = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var withChannel = map.unsqueeze(0);
        foreach (var tensor in new[] { map, withChannel })
        {
            var array = TensorImages.ToArray(tensor);
            Assert.Equal((2, 3), (array.GetLength(0), array.GetLength(1)));
            Assert.Equal(5f, array[1, 2]);
            Assert.Equal(1f, array[0, 1]);
        }
    }

    [Fact]
    public void GreyAndColourTensorsBecomeRoundedRgb()
    {
        using var grey = tensor(new float[] { 0f, 0.5f, 1f, 0.2f }, [1, 2, 2]);
        var image = TensorImages.ToRgbImage(grey);
        Assert.Equal((2, 2), (image.Width, image.Height));
        Assert.Equal(new byte[] { 0, 0, 0, 128, 128, 128, 255, 255, 255, 51, 51, 51 }, image.Pixels);

        using var colour = tensor(new float[] { 1f, 0f, 0f, 0.5f, 1f, 0f }, [3, 1, 2]); // planes R = (1, 0), G = (0, .5), B = (1, 0)
        Assert.Equal(new byte[] { 255, 0, 255, 0, 128, 0 }, TensorImages.ToRgbImage(colour).Pixels);
    }

    [Fact]
    public void WrongShapesAreRejected()
    {
        using var batch = zeros(2, 3, 4, 4);
        Assert.Contains("[2, 3, 4, 4]", Assert.Throws<ArgumentException>(() => TensorImages.ToRgbImage(batch)).Message);
        Assert.Contains("[2, 3, 4, 4]", Assert.Throws<ArgumentException>(() => TensorImages.ToArray(batch)).Message);
    }
}
