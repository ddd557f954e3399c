namespace SharpCam.Rendering;

/// <summary>
/// The bundled DejaVu Sans (assets/fonts, copied beside the app by SharpCam.csproj), registered with ScottPlot once
/// before the first figure. Needed because the SkiaSharp build on Linux finds no system fonts, so without it every
/// title and tick label would silently be blank.
/// </summary>
internal static class FigureFont
{
    /// <summary>A family name no system font has, so ScottPlot always resolves it to the bundled files.</summary>
    public const string Family = "DejaVu Sans (SharpCam)";

    private static readonly Lazy<string> Registered = new(Register);

    /// <summary>Registers the font on first call (thread-safe); every figure calls this before creating a plot.</summary>
    public static void EnsureRegistered() => _ = Registered.Value;

    /// <summary>The folder the font files are read from.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "assets", "fonts");

    private static string Register()
    {
        ScottPlot.Fonts.AddFontFile(Family, FontFile("DejaVuSans.ttf"), bold: false);
        ScottPlot.Fonts.AddFontFile(Family, FontFile("DejaVuSans-Bold.ttf"), bold: true);
        ScottPlot.Fonts.Default = Family;
        return Family;
    }

    private static string FontFile(string name)
    {
        var path = Path.Combine(Folder, name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"The figure font '{path}' is missing. SharpCam ships it in assets/fonts beside its assemblies; rebuild or reinstall so the folder is copied.", path);
    }
}
