using SharpCam.Images;
using ScottPlot;
using SkiaSharp;

namespace SharpCam.Rendering;

/// <summary>The building blocks every figure shares: styled plots, image cells, title strips, and saving.</summary>
internal static class FigureParts
{
    public const float FigureTitleSize = 20;
    public const float PanelTitleSize = 16;
    public const float AxisLabelSize = 15;
    public const float TickLabelSize = 13;
    private const float TitleStripHeight = 46;

    /// <summary>Images up to this size are drawn as crisp pixel blocks (digits, feature maps); larger ones smoothly.</summary>
    private const int CrispPixelsUpTo = 64;

    /// <summary>A white plot whose text uses the bundled font.</summary>
    public static Plot NewPlot()
    {
        FigureFont.EnsureRegistered();
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Axes.Title.Label.FontSize = PanelTitleSize;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = AxisLabelSize;
            axis.TickLabelStyle.FontSize = TickLabelSize;
        }
        return plot;
    }

    /// <summary>Space around every image cell, and above it for its caption.</summary>
    public const float CellMargin = 8, CaptionHeight = 30;

    /// <summary>The height of a cell <paramref name="width"/> wide that shows the tallest of the images whole.</summary>
    private static int CellHeight(IEnumerable<RgbImage> images, int width) =>
        (int)Math.Ceiling((width - 2 * CellMargin) * images.Max(i => (double)i.Height / i.Width) + 2 * CellMargin + CaptionHeight);

    /// <summary>One image with a caption above it, no axes, aspect ratio kept.</summary>
    public static Plot ImagePlot(RgbImage image, string caption)
    {
        var plot = NewPlot();
        plot.Layout.Fixed(new PixelPadding(CellMargin, CellMargin, CellMargin, CellMargin + CaptionHeight));
        var rect = plot.Add.ImageRect(ToScottImage(image), new CoordinateRect(0, image.Width, 0, image.Height));
        rect.AntiAlias = Math.Max(image.Width, image.Height) > CrispPixelsUpTo;
        plot.HideAxesAndGrid();
        plot.Title(caption, PanelTitleSize);
        plot.Axes.Title.Label.Bold = false;
        plot.Axes.SetLimits(0, image.Width, 0, image.Height);
        plot.Axes.SquareUnits();
        return plot;
    }

    /// <summary>A plot that only shows a bold figure title (the strip above a grid of cells).</summary>
    private static Plot TitlePlot(string title)
    {
        var plot = NewPlot();
        plot.HideAxesAndGrid();
        plot.Title(title, FigureTitleSize);
        return plot;
    }

    /// <summary>
    /// Saves image cells in a grid, <paramref name="columns"/> wide, under an optional title strip. Each cell is
    /// <paramref name="cellWidth"/> pixels wide and tall enough to show the tallest of <paramref name="images"/> whole.
    /// </summary>
    public static void SaveGrid(string path, IReadOnlyList<Plot> cells, IReadOnlyList<RgbImage> images, int columns, int cellWidth, string? title)
    {
        var plots = title is null ? cells : [TitlePlot(title), .. cells];
        var multiplot = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
        int rows = (cells.Count + columns - 1) / columns;
        float titleHeight = title is null ? 0 : TitleStripHeight;
        multiplot.Layout = new TitledGridLayout(rows, columns, titleHeight);
        Save(multiplot, path, columns * cellWidth, rows * CellHeight(images, cellWidth) + (int)titleHeight);
    }

    /// <summary>
    /// Saves a plot of rows × columns square cells (heatmap, confusion matrix) with its data area sized to fit them
    /// exactly (the longer side <paramref name="maxSide"/> pixels) and the given margins around it.
    /// </summary>
    public static void SaveCells(Plot plot, string path, int rows, int columns, float maxSide, PixelPadding margins)
    {
        float cell = maxSide / Math.Max(rows, columns);
        plot.HideGrid();
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.Layout.Fixed(margins);
        Save(plot, path, (int)Math.Ceiling(margins.Left + margins.Right + cell * columns),
             (int)Math.Ceiling(margins.Top + margins.Bottom + cell * rows));
    }

    /// <summary>Width in pixels of <paramref name="text"/> in the figure font.</summary>
    public static float TextWidth(string text, float size)
    {
        FigureFont.EnsureRegistered();
        using var font = new SKFont(Fonts.GetTypeface(FigureFont.Family, bold: false, italic: false), size);
        return font.MeasureText(text);
    }

    /// <summary>Slants an x axis' tick labels so long ones do not collide; returns the height they then need.</summary>
    public static float SlantTickLabels(IXAxis axis, float longestLabelWidth)
    {
        const float degrees = 40;
        axis.TickLabelStyle.Rotation = -degrees;
        axis.TickLabelStyle.Alignment = Alignment.MiddleRight;
        // ScottPlot reserves the unrotated label height only; the axis title moves down by the rest.
        float extra = longestLabelWidth * MathF.Sin(degrees * MathF.PI / 180);
        if (axis is ScottPlot.AxisPanels.AxisBase slanted) slanted.PaddingBetweenTickAndAxisLabels = new PixelPadding(5, 5, extra, 3);
        return extra + TickLabelSize;
    }

    /// <summary>Renders the plot to a PNG file (atomically), then frees its native images.</summary>
    public static void Save(Plot plot, string path, int width, int height)
    {
        try
        {
            using var image = plot.GetImage(width, height);
            Png.WriteFile(path, image.GetImageBytes(ImageFormat.Png), "figure");
        }
        finally { Release(plot); }
    }

    /// <summary>Renders the multiplot to a PNG file (atomically), then frees every subplot's native images.</summary>
    private static void Save(Multiplot multiplot, string path, int width, int height)
    {
        try
        {
            using var image = multiplot.Render(width, height);
            Png.WriteFile(path, image.GetImageBytes(ImageFormat.Png), "figure");
        }
        finally
        {
            foreach (var plot in multiplot.GetPlots()) Release(plot);
        }
    }

    /// <summary>ScottPlot does not dispose the bitmaps of image plottables with the plot, so figures do it.</summary>
    private static void Release(Plot plot)
    {
        foreach (var rect in plot.GetPlottables<ScottPlot.Plottables.ImageRect>()) rect.Image?.Dispose();
        plot.Dispose();
    }

    private static ScottPlot.Image ToScottImage(RgbImage image)
    {
        var pixels = new byte[image.Height, image.Width, 3];
        Buffer.BlockCopy(image.Pixels, 0, pixels, 0, image.Pixels.Length);
        return new ScottPlot.Image(pixels);
    }
}
