using SharpCam.Rendering;
using SharpCam.Images;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Rendering;

/// <summary>
/// The bundled DejaVu Sans really draws text. Without it (SkiaSharp finds no system fonts here) ScottPlot renders
/// titles and tick labels as nothing at all, silently.
/// </summary>
public class FigureFontTests
{
    [Fact]
    public void FontFilesAndLicenceAreCopiedBesideTheAssemblies()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "assets", "fonts");
        foreach (var name in new[] { "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt" })
            Assert.True(File.Exists(Path.Combine(folder, name)), $"{name} is missing from {folder}");
    }

    [Fact]
    public void FiguresDrawWithTheBundledDejaVuSansNotWhateverTheSystemHas()
    {
        using var temp = new TempFolder();
        Figures.Heatmap(temp.File("any.png"), RenderingFixture.PhotoMap(), "any");
        // ScottPlot's default font name must now resolve to the bundled files (regular and bold), not a system font.
        // (Not disposed: ScottPlot caches and reuses these typefaces.)
        var regular = ScottPlot.Fonts.GetTypeface(ScottPlot.Fonts.Default, bold: false, italic: false);
        var bold = ScottPlot.Fonts.GetTypeface(ScottPlot.Fonts.Default, bold: true, italic: false);
        Assert.Equal(("DejaVu Sans", 400), (regular.FamilyName, regular.FontWeight));
        Assert.Equal(("DejaVu Sans", 700), (bold.FamilyName, bold.FontWeight));
    }

    [Fact]
    public void TitleAndTickLabelsPutInkOnTheFigure()
    {
        using var temp = new TempFolder();
        var map = RenderingFixture.PhotoMap();
        Figures.Heatmap(temp.File("titled.png"), map, "Grad-CAM conv.4 — class 7");
        Figures.Heatmap(temp.File("untitled.png"), map, "");
        var titled = ImageFile.Read(temp.File("titled.png"));
        var untitled = ImageFile.Read(temp.File("untitled.png"));

        // The title strip (the 56 px above the cells): a bold 20 px line of text is well over 500 dark pixels.
        int withTitle = DarkPixels(titled, 0, titled.Width, 0, 50), withoutTitle = DarkPixels(untitled, 0, untitled.Width, 0, 50);
        Assert.True(withTitle - withoutTitle > 500, $"title strip: {withTitle} dark pixels with a title, {withoutTitle} without");

        // Left of the cells' frame (x < 70) there is only text: the row numbers and the "row" axis title.
        int tickInk = DarkPixels(untitled, 0, 66, 56, untitled.Height - 64);
        Assert.True(tickInk > 150, $"only {tickInk} dark pixels where the row tick labels should be");
    }

    private static int DarkPixels(RgbImage image, int left, int right, int top, int bottom)
    {
        int n = 0;
        for (int y = top; y < bottom; y++)
        for (int x = left; x < right; x++)
        {
            int o = 3 * (y * image.Width + x);
            if (image.Pixels[o] < 128 && image.Pixels[o + 1] < 128 && image.Pixels[o + 2] < 128) n++;
        }
        return n;
    }
}
