using System.Collections.Concurrent;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Rendering;
using static TorchSharp.torch;

namespace SharpCam.Reports;

/// <summary>What a thumbnail is made from: a figure file shrunk to fit the box, or (an item drawn without figures) its maps as heatmaps side by side.</summary>
internal sealed record ThumbnailRequest(string Path, int MaxWidth, int MaxHeight, IReadOnlyList<string>? Maps = null)
{
    public bool FromMaps => Maps is not null;

    /// <summary>By value, maps included (a record compares lists by reference).</summary>
    public bool Equals(ThumbnailRequest? other) =>
        other is not null && Path == other.Path && MaxWidth == other.MaxWidth && MaxHeight == other.MaxHeight
        && FromMaps == other.FromMaps && (Maps ?? []).SequenceEqual(other.Maps ?? []);

    public override int GetHashCode() => HashCode.Combine(Path, MaxWidth, MaxHeight, FromMaps);
}

/// <summary>A written thumbnail (<see cref="Url"/> relative to the page), or why it could not be made.</summary>
internal sealed record Thumbnail(string Path, string? Url, int Width, int Height, string? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>
/// The files a report loads beside its page: thumbnails in <c>PAGE_files/GENERATION/</c>, and the relative URL of the
/// run folder, whose figures the page opens at full size only when asked. Each report writes a new generation folder
/// and removes the older ones only after its page is in place, so a report killed halfway leaves the previous page
/// and every file it names intact (the unfinished generation is removed by the next report).
/// </summary>
internal sealed class ReportFiles
{
    /// <summary>libjpeg quality of the thumbnails: a 360×120 thumbnail of a figure is a few KB.</summary>
    public const int JpegQuality = 80;

    private readonly string _runDir, _filesDir, _generationDir;
    private readonly string _generationUrl;
    private readonly ConcurrentDictionary<ThumbnailRequest, Thumbnail> _made = new();

    public ReportFiles(string runDir, string pagePath)
    {
        _runDir = Path.GetFullPath(runDir);
        var pageDir = Path.GetDirectoryName(pagePath)!;
        var folder = Path.GetFileNameWithoutExtension(pagePath) + "_files";
        var generation = Guid.NewGuid().ToString("N")[..8];
        _filesDir = Path.Combine(pageDir, folder);
        _generationDir = Path.Combine(_filesDir, generation);
        _generationUrl = $"{Uri.EscapeDataString(folder)}/{generation}/";
        var toRun = Path.GetRelativePath(pageDir, _runDir).Replace(Path.DirectorySeparatorChar, '/');
        RunUrl = toRun == "." ? "" : UrlOf(toRun) + "/";
    }

    /// <summary>The run folder relative to the page, as a URL prefix ("" when the page is in the run folder).</summary>
    public string RunUrl { get; }

    /// <summary>A file of the run folder (relative path from the manifest) as a URL relative to the page.</summary>
    public string FigureUrl(string relativePath) => RunUrl + UrlOf(relativePath);

    private static string UrlOf(string relativePath) => string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// Makes every thumbnail (requests distinct) on all cores, one picture in memory per core; returns the problems as
    /// warnings, in request order.
    /// </summary>
    public IReadOnlyList<string> Make(IReadOnlyList<ThumbnailRequest> requests, Action made)
    {
        Directory.CreateDirectory(_generationDir);
        Parallel.For(0, requests.Count, i =>
        {
            _made[requests[i]] = Make(requests[i], i);
            made();
        });
        return requests.Select(r => _made[r]).Where(t => !t.Ok).Select(t => $"{t.Path}: {t.Problem}; a placeholder is shown instead.").ToList();
    }

    public Thumbnail Of(ThumbnailRequest request) => _made[request];

    /// <summary>The page is in place: older generations go. Called after the page is written, never before.</summary>
    public void RemoveOlderGenerations()
    {
        foreach (var old in Directory.EnumerateDirectories(_filesDir).Where(d => d != _generationDir))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>The page was not written: this generation goes, the previous page's files stay.</summary>
    public void Abandon()
    {
        if (Directory.Exists(_generationDir)) Directory.Delete(_generationDir, recursive: true);
    }

    private Thumbnail Make(ThumbnailRequest request, int index)
    {
        RgbImage picture;
        try
        {
            picture = request.FromMaps ? Heatmaps(request) : Shrunk(request);
        }
        catch (PathOutsideFolderException e)
        {
            return Failed(e.RelativePath, $"refused: the run folder's files must stay inside it, but {e.Reason}");
        }
        catch (FileNotFoundException e)
        {
            return Failed(request.Path, e.Message);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return Failed(request.Path, request.FromMaps ? "not a readable map (.npy)" : "not a readable image");
        }
        var name = $"{index}.jpg";
        File.WriteAllBytes(Path.Combine(_generationDir, name), Jpeg.Encode(picture, JpegQuality));
        return new Thumbnail(request.Path, _generationUrl + name, picture.Width, picture.Height, null);
    }

    private static Thumbnail Failed(string path, string problem) => new(path, null, 0, 0, problem);

    /// <summary>A file of the run folder that exists; <paramref name="what"/> names its kind in the error.</summary>
    private string Existing(string relativePath, string what)
    {
        var path = ContainedPath.Resolve(_runDir, relativePath);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{what} file not found");
    }

    /// <summary>The figure, area-averaged (no aliasing on heatmaps and digit strokes) to fit the box; a smaller one keeps its size.</summary>
    private RgbImage Shrunk(ThumbnailRequest request)
    {
        var image = ImageFile.Decode(File.ReadAllBytes(Existing(request.Path, "figure")), request.Path);
        var scale = Math.Min(1.0, Math.Min((double)request.MaxWidth / image.Width, (double)request.MaxHeight / image.Height));
        if (scale >= 1.0) return image;
        return AreaShrink.Shrink(image, Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
    }

    /// <summary>Each map upsampled to the box's height and coloured as the run's figures colour maps (blue-white-red, 0..1).</summary>
    private RgbImage Heatmaps(ThumbnailRequest request)
    {
        var panels = request.Maps!.Select(map =>
        {
            var file = Existing(map, "map");
            float[,] values;
            using (NewDisposeScope())
            {
                try { values = TensorImages.ToArray(Npy.Load(file)); }
                catch (ArgumentException) { throw new InvalidDataException(map); }
            }
            var height = request.MaxHeight / 2;
            var width = Math.Max(1, (int)Math.Round((double)height * values.GetLength(1) / values.GetLength(0)));
            return Colormaps.Bwr.Apply(Overlay.Upsample(values, width, height));
        }).ToList();
        var row = new RgbImage(panels.Sum(p => p.Width), panels[0].Height);
        for (int y = 0, offset = 0; y < row.Height; y++, offset = 0)
            foreach (var panel in panels)
            {
                Buffer.BlockCopy(panel.Pixels, 3 * y * panel.Width, row.Pixels, 3 * (y * row.Width + offset), 3 * panel.Width);
                offset += panel.Width;
            }
        return row;
    }
}
