using ScottPlot;

namespace SharpCam.Rendering;

/// <summary>Lets ScottPlot's heatmaps and colour bars draw with a SharpCam <see cref="Colormap"/> (same colours as its library's).</summary>
internal sealed class ScottPlotColormap(Colormap colormap) : IColormap
{
    public string Name => colormap.Name;

    public Color GetColor(double position)
    {
        if (double.IsNaN(position)) return Colors.Transparent;
        var (r, g, b) = colormap.ColorOf((float)position);
        return new Color(r, g, b);
    }
}
