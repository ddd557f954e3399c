using SharpCam.Images;
using SharpCam.Rendering;

namespace SharpCam.Server;

/// <summary>
/// The library reads and writes pictures as files (<see cref="ImageFile.Read"/>, <see cref="Png.Write"/>,
/// <see cref="Figures"/>); HTTP has bytes. Each conversion goes through a private scratch file, deleted at once.
/// </summary>
public sealed class ScratchFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sharpcam-serve-").FullName;

    public byte[] PngOf(RgbImage image) => Written(path => Png.Write(image, path));

    /// <summary>The PNG that <paramref name="write"/> writes to the path it is given.</summary>
    public byte[] Written(Action<string> write)
    {
        var path = NewPath(".png");
        try
        {
            write(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Decodes picture bytes with the library's reader; <paramref name="extension"/> names the format.</summary>
    public RgbImage Read(byte[] bytes, string extension)
    {
        var path = NewPath(extension);
        try
        {
            File.WriteAllBytes(path, bytes);
            return ImageFile.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private string NewPath(string extension) => Path.Combine(_folder, Guid.NewGuid().ToString("N") + extension);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
