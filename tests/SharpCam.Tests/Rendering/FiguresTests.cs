using SharpCam.Rendering;
using SharpCam.Images;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Rendering;

/// <summary>Every figure writes a real PNG of the planned size, with the content it is meant to show.</summary>
public class FiguresTests
{
    private static readonly string[] FashionNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    [Fact]
    public void GridShowsSixteenCaptionedImages()
    {
        using var temp = new TempFolder();
        var digit = RenderingFixture.DigitImage();
        var images = Enumerable.Repeat(digit, 16).ToList();
        var captions = Enumerable.Range(0, 16).Select(i => i % 4 == 0 ? "9 → 7" : "label 9").ToList();
        var figure = Render(temp, "grid.png", path => Figures.Grid(path, images, captions, "Test images"));
        // 4 columns of 200 px; rows of 184 px image + margins + caption; a title strip.
        Assert.Equal((800, 966), (figure.Width, figure.Height));
        AssertHasContent(figure);
    }

    [Fact]
    public void HeatmapShowsTheMapInBlueWhiteRed()
    {
        using var temp = new TempFolder();
        var figure = Render(temp, "heatmap.png", path => Figures.Heatmap(path, RenderingFixture.PhotoMap(), "Grad-CAM layer4 — class 281"));
        Assert.Equal((610, 560), (figure.Width, figure.Height));
        AssertHasContent(figure);
        Assert.True(Count(figure, (255, 0, 0)) > 500, "the map's maximum (1) should fill cells in pure red");
        Assert.True(Count(figure, (0, 0, 255)) > 500, "the map's zeros should fill cells in pure blue");
    }

    [Fact]
    public void HeatmapOfANonSquareMapKeepsSquareCells()
    {
        using var temp = new TempFolder();
        var map = new float[7, 10];
        map[3, 4] = 1f;
        var figure = Render(temp, "wide.png", path => Figures.Heatmap(path, map, "7 × 10"));
        Assert.Equal((610, 428), (figure.Width, figure.Height)); // 10 cells of 44 px wide, 7 high
        Assert.InRange(Count(figure, (255, 0, 0)), 40 * 40, 46 * 46); // exactly one red cell
    }

    [Fact]
    public void PanelsOfAPhotoEndWithTheCv2Overlay()
    {
        using var temp = new TempFolder();
        var figure = Render(temp, "panels.png",
            path => Figures.Panels(path, RenderingFixture.Photo(), RenderingFixture.PhotoMap(), OverlayStyle.ColourPhoto, "Grad-CAM — class 281"));
        Assert.Equal((960, 295), (figure.Width, figure.Height)); // 3 cells of 320 px, photo aspect 3:2, title strip
        AssertHasContent(figure);
    }

    [Fact]
    public void PanelsOfADigitEndWithHeatmapTimesImage()
    {
        using var temp = new TempFolder();
        var digit = RenderingFixture.Digit();
        var figure = Render(temp, "panels-digit.png",
            path => Figures.Panels(path, RenderingFixture.DigitImage(), digit["map"], OverlayStyle.GreyDigit));
        Assert.Equal((960, 350), (figure.Width, figure.Height));
        AssertHasContent(figure);
    }

    [Fact]
    public void CompareShowsTheImageAndBothMaps()
    {
        using var temp = new TempFolder();
        var digit = RenderingFixture.Digit();
        var flipped = new float[8, 8];
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) flipped[y, x] = digit["map"][y, 7 - x];
        var figure = Render(temp, "compare.png", path => Figures.Compare(path, RenderingFixture.DigitImage(), digit["map"], flipped,
            OverlayStyle.GreyDigit, "true 9 (Ankle boot)", "predicted 7 (Sneaker)", "true 9 (Ankle boot)", "test-0042"));
        Assert.Equal((960, 396), (figure.Width, figure.Height));
        AssertHasContent(figure);
    }

    [Fact]
    public void ConfusionMatrixOfTenClasses()
    {
        using var temp = new TempFolder();
        var counts = new int[10, 10];
        for (int r = 0; r < 10; r++) for (int c = 0; c < 10; c++) counts[r, c] = r == c ? 900 - 10 * r : (r + 2 * c) % 7;
        var figure = Render(temp, "confusion.png", path => Figures.ConfusionMatrix(path, counts, FashionNames));
        // 56 px title + 10 cells of 48 px, then slanted class names; their width decides the left margin.
        Assert.InRange(figure.Height, 536 + 100, 536 + 160);
        Assert.InRange(figure.Width, 480 + 80, 480 + 200);
        AssertHasContent(figure);
        var darkest = FigureColour(ScottPlot.IColormapExtensions.Reversed(new ScottPlot.Colormaps.Blues()).GetColor(1.0));
        Assert.InRange(Count(figure, darkest), 48 * 48 - 400, 48 * 48); // the one 900-count cell, minus its white digits
    }

    [Fact]
    public void LinesDrawEverySeries()
    {
        using var temp = new TempFolder();
        var figure = Render(temp, "lines.png", path => Figures.Lines(path, "Sanity check", "randomised down to", "Spearman correlation",
            ["none", "fc.4", "fc.2", "fc.0", "conv.3", "conv.0"],
            [new LineSeries("Grad-CAM", [1, 0.8, 0.5, 0.3, 0.1, 0.05]), new LineSeries("Guided Backprop", [1, 0.95, 0.93, 0.9, 0.88, 0.85])]));
        Assert.Equal((900, 520), (figure.Width, figure.Height));
        Assert.True(Count(figure, (31, 119, 180)) > 200, "the first series should be drawn in Category10 blue");
        Assert.True(Count(figure, (255, 127, 14)) > 200, "the second series should be drawn in Category10 orange");
    }

    [Fact]
    public void MismatchedInputsAreRejectedBeforeAnythingIsWritten()
    {
        using var temp = new TempFolder();
        var path = temp.File("never.png");
        Assert.Throws<ArgumentException>(() => Figures.Grid(path, [RenderingFixture.DigitImage()], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Figures.ConfusionMatrix(path, new int[3, 3], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Figures.ConfusionMatrix(path, new[,] { { 1, -1 }, { 0, 2 } }, ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Figures.Lines(path, "t", "x", "y", ["a", "b"], [new LineSeries("s", [1.0])]));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AFigureInAFolderThatCannotBeCreatedGivesAClearError()
    {
        using var temp = new TempFolder();
        var path = temp.PathUnderAFile("heatmap.png");
        var error = Assert.Throws<IOException>(() => Figures.Heatmap(path, RenderingFixture.PhotoMap(), "title"));
        Assert.Contains($"Cannot write the figure '{path}'", error.Message);
    }

    private static RgbImage Render(TempFolder temp, string name, Action<string> write)
    {
        var path = temp.File(name);
        write(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);
        return ImageFile.Read(path);
    }

    /// <summary>Not blank, not a solid block: between 5 % and 95 % of the pixels are not white, in many colours.</summary>
    private static void AssertHasContent(RgbImage figure)
    {
        int pixels = figure.Width * figure.Height, inked = 0;
        var colours = new HashSet<int>();
        for (int i = 0; i < figure.Pixels.Length; i += 3)
        {
            if (figure.Pixels[i] < 250 || figure.Pixels[i + 1] < 250 || figure.Pixels[i + 2] < 250) inked++;
            colours.Add(figure.Pixels[i] << 16 | figure.Pixels[i + 1] << 8 | figure.Pixels[i + 2]);
        }
        Assert.InRange(inked, pixels / 20, pixels * 19 / 20);
        Assert.True(colours.Count > 50, $"only {colours.Count} distinct colours");
    }

    private static int Count(RgbImage figure, (byte R, byte G, byte B) colour)
    {
        int n = 0;
        for (int i = 0; i < figure.Pixels.Length; i += 3)
            if (figure.Pixels[i] == colour.R && figure.Pixels[i + 1] == colour.G && figure.Pixels[i + 2] == colour.B) n++;
        return n;
    }

    private static (byte R, byte G, byte B) FigureColour(ScottPlot.Color colour) => (colour.R, colour.G, colour.B);
}
