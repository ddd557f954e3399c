using ScottPlot;

namespace SharpCam.Rendering;

/// <summary>
/// Multiplot layout: an optional title strip across the top (the first subplot), then equal cells filled row by row.
/// The rectangles tile the whole figure, so every pixel gets a subplot's white background.
/// </summary>
internal sealed class TitledGridLayout(int rows, int columns, float titleHeight) : IMultiplotLayout
{
    public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
    {
        var rectangles = new PixelRect[subplots.Count];
        int first = titleHeight > 0 ? 1 : 0;
        if (first == 1) rectangles[0] = new PixelRect(figureRect.Left, figureRect.Right, figureRect.Top + titleHeight, figureRect.Top);
        float top = figureRect.Top + titleHeight;
        float cellWidth = figureRect.Width / columns, cellHeight = (figureRect.Bottom - top) / rows;
        for (int i = first; i < subplots.Count; i++)
        {
            int row = (i - first) / columns, column = (i - first) % columns;
            float left = figureRect.Left + column * cellWidth, cellTop = top + row * cellHeight;
            rectangles[i] = new PixelRect(left, left + cellWidth, cellTop + cellHeight, cellTop);
        }
        return rectangles;
    }
}
