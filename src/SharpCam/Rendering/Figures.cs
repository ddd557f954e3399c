using ScottPlot;
using SharpCam.Images;

namespace SharpCam.Rendering;

/// <summary>How a map is shown on its image in <see cref="Figures.Panels"/> and <see cref="Figures.Compare"/>.</summary>
public enum OverlayStyle
{
    /// <summary>The notebook's cv2 JET overlay (<see cref="Overlay.OnPhoto"/>).</summary>
    ColourPhoto,

    /// <summary>
    /// "Heatmap × image" (<see cref="Overlay.OnDigit"/>) for small grey digits, in blue-white-red over the product's
    /// own range, as the notebook's <c>imshow(hmp * img, cmap='bwr')</c>.
    /// </summary>
    GreyDigit,
}

/// <summary>One named line of <see cref="Figures.Lines"/>: one value per x category.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<double> Values);

/// <summary>
/// SharpCam's PNG figures (ScottPlot, bundled DejaVu Sans), written atomically. Maps are [h, w] at feature resolution
/// with values in [0, 1]; they are coloured with matplotlib's <see cref="Colormaps.Bwr"/> on a fixed 0..1 scale.
/// </summary>
public static partial class Figures
{
    /// <summary>Cell widths in pixels: grid thumbnails, and the larger panels of a one-row figure.</summary>
    private const int GridCellWidth = 200, RowCellWidth = 320;

    /// <summary>Images in a grid (4 columns: 16 images make the notebook's 4×4), each with a caption such as "label 7" or "7 → 1".</summary>
    public static void Grid(string path, IReadOnlyList<RgbImage> images, IReadOnlyList<string> captions, string? title = null, int columns = 4)
    {
        if (images.Count == 0) throw new ArgumentException("A grid figure needs at least one image.", nameof(images));
        if (captions.Count != images.Count)
            throw new ArgumentException($"A grid figure needs one caption per image: {images.Count} images, {captions.Count} captions.", nameof(captions));
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "The grid needs at least one column.");
        var cells = images.Select((image, i) => FigureParts.ImagePlot(image, captions[i])).ToList();
        FigureParts.SaveGrid(path, cells, images, Math.Min(columns, images.Count), GridCellWidth, title);
    }

    /// <summary>image | upsampled heatmap (bwr) | overlay (photos: the cv2 overlay; digits: heatmap × image).</summary>
    public static void Panels(string path, RgbImage image, float[,] map, OverlayStyle style, string? title = null)
    {
        var cells = new List<Plot>
        {
            FigureParts.ImagePlot(image, "Image"),
            FigureParts.ImagePlot(UpsampledMap(image, map), "Heatmap (upsampled)"),
            FigureParts.ImagePlot(OverlayView(image, map, style), style == OverlayStyle.ColourPhoto ? "Overlay" : "Heatmap × image"),
        };
        SaveRow(path, image, cells, title);
    }

    /// <summary>
    /// Failure analysis: image | map for the predicted class | map for the true class. Photos show each map as the cv2
    /// overlay; digits show the upsampled map itself in blue-white-red, so evidence off the ink stays visible.
    /// </summary>
    public static void Compare(string path, RgbImage image, float[,] predictedMap, float[,] trueMap, OverlayStyle style,
                               string imageTitle, string predictedTitle, string trueTitle, string? title = null)
    {
        var cells = new List<Plot>
        {
            FigureParts.ImagePlot(image, imageTitle),
            FigureParts.ImagePlot(MapView(image, predictedMap, style), predictedTitle),
            FigureParts.ImagePlot(MapView(image, trueMap, style), trueTitle),
        };
        SaveRow(path, image, cells, title);
    }

    /// <summary>Cells of one image's size side by side, under an optional title.</summary>
    private static void SaveRow(string path, RgbImage image, List<Plot> cells, string? title) =>
        FigureParts.SaveGrid(path, cells, [image], cells.Count, RowCellWidth, title);

    private static RgbImage UpsampledMap(RgbImage image, float[,] map) =>
        Colormaps.Bwr.Apply(Overlay.Upsample(map, image.Width, image.Height));

    private static RgbImage MapView(RgbImage image, float[,] map, OverlayStyle style) =>
        style == OverlayStyle.GreyDigit ? UpsampledMap(image, map) : OverlayView(image, map, style);

    private static RgbImage OverlayView(RgbImage image, float[,] map, OverlayStyle style) => style switch
    {
        OverlayStyle.ColourPhoto => Overlay.OnPhoto(image, map),
        OverlayStyle.GreyDigit => Colormaps.Bwr.ApplyToRange(Overlay.OnDigit(Grey(image), map)),
        _ => throw new ArgumentOutOfRangeException(nameof(style), style, "Unknown overlay style."),
    };

    /// <summary>The image's brightness in [0, 1]: the channel mean / 255 (exactly the grey value for a grey image).</summary>
    private static float[,] Grey(RgbImage image)
    {
        var grey = new float[image.Height, image.Width];
        for (int y = 0, o = 0; y < image.Height; y++)
        for (int x = 0; x < image.Width; x++, o += 3)
            grey[y, x] = (image.Pixels[o] + image.Pixels[o + 1] + image.Pixels[o + 2]) / 3f / 255f;
        return grey;
    }
}
