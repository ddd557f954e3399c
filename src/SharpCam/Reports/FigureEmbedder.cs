using System.Collections.Concurrent;
using System.IO.Compression;
using SharpCam.Images;

namespace SharpCam.Reports;

/// <summary>
/// A figure ready to embed: a small PNG thumbnail and the full-size image, both as data: URIs (the same string when
/// the figure is already small), or the reason it could not be read.
/// </summary>
internal sealed record EmbeddedFigure(string Path, string? ThumbnailUri, string? FullUri, int Width, int Height, string? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>A figure of the run folder, to be shown with a thumbnail that fits MaxWidth × MaxHeight.</summary>
internal sealed record FigureRequest(string Path, int MaxWidth, int MaxHeight);

/// <summary>
/// Reads figures of a run folder and turns them into data: URIs. A missing or unreadable figure is not fatal: it
/// becomes a placeholder and a warning, so one lost PNG does not cost the whole report.
/// </summary>
internal sealed class FigureEmbedder(string runDir)
{
    private readonly ConcurrentDictionary<FigureRequest, EmbeddedFigure> _ready = new();

    /// <summary>
    /// Loads every figure (requests distinct) on all cores: decoding and thumbnails are nearly all of a report's
    /// time. Returns the problems as warnings, in request order.
    /// </summary>
    public IReadOnlyList<string> Prepare(IReadOnlyList<FigureRequest> requests, Action loaded)
    {
        Parallel.ForEach(requests, request =>
        {
            _ready[request] = Load(request);
            loaded();
        });
        return requests.Select(r => _ready[r]).Where(f => !f.Ok).Select(f => $"{f.Path}: {f.Problem}; a placeholder is shown instead.").ToList();
    }

    /// <summary>The figure, handed over once: the prepared copy is released, so a thousand full-size images are not held twice.</summary>
    public EmbeddedFigure Take(FigureRequest request) => _ready.TryRemove(request, out var figure) ? figure : Load(request);

    private EmbeddedFigure Load(FigureRequest request)
    {
        var (relativePath, maxWidth, maxHeight) = request;
        string path;
        try { path = SharpCam.IO.ContainedPath.Resolve(runDir, relativePath); }
        catch (SharpCam.IO.PathOutsideFolderException e) { return Failed(relativePath, $"refused: the run folder's files must stay inside it, but {e.Reason}"); }
        if (!File.Exists(path)) return Failed(relativePath, "figure file not found");
        var bytes = File.ReadAllBytes(path);
        RgbImage image;
        try { image = ImageFile.Decode(bytes, relativePath); }
        catch (InvalidDataException) { return Failed(relativePath, "not a readable image"); }

        var full = DataUri(bytes, image);
        var scale = Math.Min(1.0, Math.Min((double)maxWidth / image.Width, (double)maxHeight / image.Height));
        if (scale >= 1.0) return new EmbeddedFigure(relativePath, full, full, image.Width, image.Height, null);

        int width = Math.Max(1, (int)Math.Round(image.Width * scale)), height = Math.Max(1, (int)Math.Round(image.Height * scale));
        // Area averaging: no aliasing on heatmaps and digit strokes.
        return new EmbeddedFigure(relativePath, PngUri(AreaShrink.Shrink(image, width, height)), full, width, height, null);
    }

    private static EmbeddedFigure Failed(string relativePath, string problem) => new(relativePath, null, null, 0, 0, problem);

    /// <summary>PNG and JPEG files are embedded byte for byte; anything else <see cref="ImageFile"/> reads is re-encoded as PNG.</summary>
    private static string DataUri(byte[] bytes, RgbImage image)
    {
        if (bytes.AsSpan().StartsWith(PngSignature)) return "data:image/png;base64," + Convert.ToBase64String(bytes);
        if (bytes.AsSpan().StartsWith(JpegSignature)) return "data:image/jpeg;base64," + Convert.ToBase64String(bytes);
        return PngUri(image);
    }

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];

    /// <summary>zlib's fastest level: a thousand thumbnails encode about 3× faster than at the default, for files about 5% larger.</summary>
    private static string PngUri(RgbImage image) =>
        "data:image/png;base64," + Convert.ToBase64String(Png.Encode(image, CompressionLevel.Fastest));
}
