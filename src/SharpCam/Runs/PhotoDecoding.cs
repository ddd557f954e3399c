using SharpCam.Images;

namespace SharpCam.Runs;

/// <summary>How a run decodes photo files for the model (<c>--fast-decode</c>); recorded in the manifest's data section.</summary>
public enum PhotoDecoding
{
    /// <summary>Every pixel, then the model's resize: the notebook's pixels (cv2.imdecode), the default.</summary>
    Full,

    /// <summary>
    /// A JPEG is decoded at the smallest of libjpeg's scales 1/8 … 8/8 that still covers the model's input (a 1000×750
    /// photo at 3/8 for 224×224), then resized as usual: several times less decoding work and memory per photo, but
    /// the model sees slightly different pixels (the scaled IDCT averages before the resize does). Figures still show
    /// the photo at full size. Other formats are decoded in full.
    /// </summary>
    Reduced,
}

public static class PhotoDecodingExtensions
{
    /// <summary>How <see cref="ImageFile.Read(string, ImageReadOptions?)"/> decodes a photo for a model with this preprocessing: null reads it in full.</summary>
    public static ImageReadOptions? ReadOptions(this PhotoDecoding decoding, ImagePreprocessing preprocessing) =>
        decoding == PhotoDecoding.Reduced ? new ImageReadOptions { AtLeast = new ImageSize(preprocessing.Size, preprocessing.Size) } : null;
}
