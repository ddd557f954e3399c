using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Images;

/// <summary>How a picture is resampled: Pillow's antialiased bilinear (the notebook's, torchvision's default) or bicubic.</summary>
public enum ResizeFilter { Bilinear, Bicubic }

/// <summary>
/// The notebook's input transform for ImageNet models: Resize((Size, Size)), ToTensor, Normalize(Mean, Std); or, with
/// <see cref="ResizeShorterSide"/>, the transform torchvision publishes with each weights file: Resize(shorter side),
/// CenterCrop(Size), ToTensor, Normalize.
/// One mean/std entry per model input channel: three for RGB models, one for grey models (LeNet), whose input is
/// the picture's luminance computed as PIL's convert('L') does.
/// </summary>
/// <remarks>
/// Resize filter: antialiased bilinear on the 8-bit pixels (libtorch's uint8 interpolate with antialias, a port of
/// Pillow's resampling), which is what torchvision's Resize((224, 224)) does to the notebook's PIL images; bicubic
/// likewise (libtorch's antialiased bicubic is Pillow's, a = −0.5). On the sample photos both differ from PIL by at
/// most 1 level of 255 (tests/SharpCam.Tests/Images/ImagePreprocessingTests).
/// </remarks>
public sealed record ImagePreprocessing(int Size, IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>224×224 with ImageNet's mean and standard deviation, as the notebook's VGG-16.</summary>
    public static ImagePreprocessing ImageNet { get; } = new(224, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>
    /// torchvision's Resize(int) before a centre crop of Size × Size: the shorter side to this many pixels, the longer
    /// in proportion, as the published weights were evaluated. Null: the notebook's Resize((Size, Size)), the whole
    /// picture squeezed to the square.
    /// </summary>
    public int? ResizeShorterSide { get; init; }

    public ResizeFilter Filter { get; init; } = ResizeFilter.Bilinear;

    /// <summary>One line for the manifest and the console: "resize to 224×224 (bilinear)", "resize to 256 (bicubic), centre crop 224×224".</summary>
    public string Description => ResizeShorterSide is { } shorter
        ? $"resize to {shorter} ({Filter.ToString().ToLowerInvariant()}), centre crop {Size}×{Size}"
        : $"resize to {Size}×{Size} ({Filter.ToString().ToLowerInvariant()})";

    /// <summary>Model input channels: 3 (RGB) or 1 (grey).</summary>
    public int Channels => Mean.Count;

    /// <summary>The picture resized to Size × Size, as the model sees it (for overlays).</summary>
    public RgbImage Resize(RgbImage image)
    {
        using var scope = NewDisposeScope();
        var resized = Resample(RgbPlanes(image), image).permute(1, 2, 0).contiguous();
        return new RgbImage(Size, Size, resized.data<byte>().ToArray());
    }

    /// <summary>One picture as a normalised float32 tensor [Channels, Size, Size].</summary>
    public Tensor ToTensor(RgbImage image)
    {
        if (Std.Count != Channels || Channels is not (1 or 3))
            throw new InvalidOperationException($"Mean ({Mean.Count}) and std ({Std.Count}) need one entry per channel, 1 or 3.");
        using var scope = NewDisposeScope();
        var planes = Channels == 1 ? Luminance(image) : RgbPlanes(image);
        var x = Resample(planes, image).to(ScalarType.Float32).div_(255f);
        var mean = tensor(Mean.ToArray()).view(-1, 1, 1);
        var std = tensor(Std.ToArray()).view(-1, 1, 1);
        return x.sub_(mean).div_(std).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Pictures as one batch [N, Channels, Size, Size].</summary>
    public Tensor ToBatch(IEnumerable<RgbImage> images)
    {
        using var scope = NewDisposeScope();
        return stack(images.Select(ToTensor).ToList()).MoveToOuterDisposeScope();
    }

    /// <summary>uint8 [C, H, W] → uint8 [C, Size, Size]: resized (and centre-cropped) with Pillow-style antialiased resampling.</summary>
    private Tensor Resample(Tensor planes, RgbImage image)
    {
        if (ResizeShorterSide is not { } shorter) return Resize(planes, image.Height, image.Width, Size, Size);
        // torchvision's Resize(int): the longer side int(shorter · long / short), truncated.
        var (height, width) = image.Height <= image.Width
            ? (shorter, (int)((double)shorter * image.Width / image.Height))
            : ((int)((double)shorter * image.Height / image.Width), shorter);
        if (height < Size || width < Size)
            throw new ArgumentException($"Resizing to {shorter} leaves {width}×{height}, smaller than the {Size}×{Size} crop.");
        // torchvision's center_crop: the offsets int(round((side − crop) / 2)), Python's round (half to even).
        var top = (long)Math.Round((height - Size) / 2.0, MidpointRounding.ToEven);
        var left = (long)Math.Round((width - Size) / 2.0, MidpointRounding.ToEven);
        return Resize(planes, image.Height, image.Width, height, width).narrow(1, top, Size).narrow(2, left, Size);
    }

    private Tensor Resize(Tensor planes, int height, int width, int newHeight, int newWidth)
    {
        if (height == newHeight && width == newWidth) return planes;
        return PictureScaling.Resize(planes, newHeight, newWidth, Filter == ResizeFilter.Bicubic ? InterpolationMode.Bicubic : InterpolationMode.Bilinear);
    }

    /// <summary>[3, H, W] as a view of the interleaved pixels (channels-last strides, no copy).</summary>
    private static Tensor RgbPlanes(RgbImage image) =>
        tensor(image.Pixels, new long[] { image.Height, image.Width, 3 }).permute(2, 0, 1);

    /// <summary>PIL's convert('L'): (R·19595 + G·38470 + B·7471 + 2^15) >> 16, i.e. ITU-R 601-2 luma.</summary>
    private static Tensor Luminance(RgbImage image)
    {
        var grey = new byte[image.Width * image.Height];
        var p = image.Pixels;
        for (int i = 0; i < grey.Length; i++)
            grey[i] = (byte)((p[3 * i] * 19595 + p[3 * i + 1] * 38470 + p[3 * i + 2] * 7471 + 0x8000) >> 16);
        return tensor(grey, new long[] { 1, image.Height, image.Width });
    }
}
