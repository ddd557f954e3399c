using SharpCam.Images;
using SharpCam.Rendering;

namespace SharpCam.Server;

/// <summary>An upload made into a <see cref="Subject"/>: decoded, checked against its header, preprocessed for the run's model.</summary>
public static class UploadedImage
{
    public static Subject Decode(string key, byte[] bytes, ImageHeader header, string? fileName, ServedRun run, int displaySide, ScratchFiles files)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        RgbImage picture;
        try
        {
            picture = files.Read(bytes, header.Extension);
        }
        catch (InvalidDataException)
        {
            throw new RequestRefusedException(422, $"This {header.Format} file cannot be decoded: it is damaged or truncated. Upload another picture.");
        }
        if (!header.Matches(picture.Width, picture.Height))
            throw new RequestRefusedException(422, $"This {header.Format} file decodes to {picture.Width}×{picture.Height} pixels but its header says " +
                                                   $"{header.Width}×{header.Height}: it is damaged.");
        var (values, shape) = Subject.Copy(run.Preprocessing.ToTensor(picture));
        var display = run.IsDigits
            ? TensorImages.ToRgbImage(TorchSharp.torch.tensor(values, shape))   // the digit as the model sees it (mean 0, std 1)
            : PictureScaling.Fit(picture, displaySide);
        var title = string.IsNullOrWhiteSpace(fileName) ? "your image" : Path.GetFileName(fileName.Trim());
        return new Subject(key, title.Length > 80 ? title[..80] : title, values, shape, display, null);
    }
}
