namespace SharpCam.Layers;

/// <summary>
/// Several target layers written as one string: joined with <see cref="Separator"/> in manifests and titles
/// ("layer3+layer4"); read from either that or a comma list (as a command line gives them).
/// </summary>
public static class LayerNames
{
    public const string Separator = "+";

    public static string Join(IEnumerable<string> layers) => string.Join(Separator, layers);

    /// <summary>The layer names of "a+b" or "a,b", trimmed, empty parts dropped.</summary>
    public static IReadOnlyList<string> Split(string text) =>
        text.Split([Separator[0], ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
