using System.Globalization;
using ScottPlot;

namespace SharpCam.Rendering;

public static partial class Figures
{
    /// <summary>The map at feature resolution as cells in blue-white-red (0 blue, 0.5 white, 1 red), with a colour bar and a title.</summary>
    public static void Heatmap(string path, float[,] map, string title)
    {
        Overlay.CheckUnitRange(map, nameof(map));
        int rows = map.GetLength(0), columns = map.GetLength(1);
        var plot = FigureParts.NewPlot();
        var heatmap = plot.Add.Heatmap(ToDouble(map));
        heatmap.Colormap = new ScottPlotColormap(Colormaps.Bwr);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Rectangle = new CoordinateRect(0, columns, 0, rows);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Axis.TickLabelStyle.FontSize = FigureParts.TickLabelSize;
        double[] levels = [0, 0.25, 0.5, 0.75, 1];
        colorBar.Axis.SetTicks(levels, levels.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)).ToArray());
        CellTicks(plot, rows, columns, Enumerable.Range(0, columns).Select(i => i.ToString()).ToArray(),
                  Enumerable.Range(0, rows).Select(i => i.ToString()).ToArray());
        plot.Axes.Bottom.Label.Text = "column";
        plot.Axes.Left.Label.Text = "row";
        plot.Title(title, FigureParts.FigureTitleSize);
        FigureParts.SaveCells(plot, path, rows, columns, maxSide: 440, new PixelPadding(left: 70, right: 100, bottom: 64, top: 56));
    }

    /// <summary>Counts of [true, predicted] with class names on both axes and the count in every cell.</summary>
    public static void ConfusionMatrix(string path, int[,] counts, IReadOnlyList<string> classNames, string title = "Confusion matrix")
    {
        int n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n || classNames.Count != n)
            throw new ArgumentException(
                $"A confusion matrix needs [n, n] counts (n ≥ 1) and n class names; got [{counts.GetLength(0)}, {counts.GetLength(1)}] and {classNames.Count} names.");
        if (counts.Cast<int>().Any(c => c < 0)) throw new ArgumentException("A confusion matrix cannot hold negative counts.", nameof(counts));
        var plot = FigureParts.NewPlot();
        var values = new double[n, n];
        double max = 1;
        foreach (var c in counts) max = Math.Max(max, c);
        for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
            values[r, c] = counts[r, c];
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed(); // white (0) to dark blue (max), as sklearn
        heatmap.ManualRange = new ScottPlot.Range(0, max);
        heatmap.Rectangle = new CoordinateRect(0, n, 0, n);
        float cellFont = n <= 10 ? 14 : n <= 20 ? 10 : 7;
        for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
        {
            var text = plot.Add.Text(counts[r, c].ToString(), c + 0.5, n - r - 0.5);
            text.LabelFontSize = cellFont;
            text.LabelAlignment = Alignment.MiddleCenter;
            text.LabelFontColor = counts[r, c] > max / 2 ? Colors.White : Colors.Black;
        }
        var names = classNames.ToArray();
        CellTicks(plot, n, n, names, names);
        float side = Math.Clamp(n * 48, 300, 640);
        float longest = names.Max(name => FigureParts.TextWidth(name, FigureParts.TickLabelSize));
        float below = longest > side / n - 8 ? FigureParts.SlantTickLabels(plot.Axes.Bottom, longest) : FigureParts.TickLabelSize;
        plot.Axes.Bottom.Label.Text = "predicted class";
        plot.Axes.Left.Label.Text = "true class";
        plot.Title(title, FigureParts.FigureTitleSize);
        FigureParts.SaveCells(plot, path, n, n, side, new PixelPadding(left: 50 + longest, right: 30, bottom: 50 + below, top: 56));
    }

    /// <summary>Named series of values over shared x categories (e.g. randomised depth), with markers and a legend.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<string> xCategories, IReadOnlyList<LineSeries> series)
    {
        if (series.Count == 0) throw new ArgumentException("A line chart needs at least one series.", nameof(series));
        foreach (var s in series)
            if (s.Values.Count != xCategories.Count)
                throw new ArgumentException($"Series '{s.Name}' has {s.Values.Count} values for {xCategories.Count} x categories.", nameof(series));
        var plot = FigureParts.NewPlot();
        var xs = Enumerable.Range(0, xCategories.Count).Select(i => (double)i).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var line = plot.Add.Scatter(xs, series[i].Values.ToArray(), palette.GetColor(i));
            line.LegendText = series[i].Name;
            line.LineWidth = 2.5f;
            line.MarkerSize = 8;
        }
        plot.Axes.Bottom.SetTicks(xs, xCategories.ToArray());
        float spacing = 640f / Math.Max(1, xCategories.Count);
        if (xCategories.Any(c => FigureParts.TextWidth(c, FigureParts.TickLabelSize) > spacing - 8))
            FigureParts.SlantTickLabels(plot.Axes.Bottom, xCategories.Max(c => FigureParts.TextWidth(c, FigureParts.TickLabelSize)));
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Title(title, FigureParts.FigureTitleSize);
        plot.Legend.FontSize = FigureParts.TickLabelSize;
        plot.ShowLegend(Edge.Right);
        FigureParts.Save(plot, path, 900, 520);
    }

    /// <summary>Ticks at cell centres: columns left to right, rows top to bottom (row 0 at the top, as matshow).</summary>
    private static void CellTicks(Plot plot, int rows, int columns, string[] columnLabels, string[] rowLabels)
    {
        int columnStep = Math.Max(1, (columns + 13) / 14), rowStep = Math.Max(1, (rows + 13) / 14);
        var xs = Enumerable.Range(0, columns).Where(c => c % columnStep == 0).ToArray();
        var ys = Enumerable.Range(0, rows).Where(r => r % rowStep == 0).ToArray();
        plot.Axes.Bottom.SetTicks(xs.Select(c => c + 0.5).ToArray(), xs.Select(c => columnLabels[c]).ToArray());
        plot.Axes.Left.SetTicks(ys.Select(r => rows - r - 0.5).ToArray(), ys.Select(r => rowLabels[r]).ToArray());
    }

    private static double[,] ToDouble(float[,] map)
    {
        var values = new double[map.GetLength(0), map.GetLength(1)];
        for (int y = 0; y < map.GetLength(0); y++)
        for (int x = 0; x < map.GetLength(1); x++)
            values[y, x] = map[y, x];
        return values;
    }
}
