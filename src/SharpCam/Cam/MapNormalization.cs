using static TorchSharp.torch;

namespace SharpCam.Cam;

/// <summary>How each map is scaled to [0, 1] after the ReLU.</summary>
public enum MapNormalization
{
    /// <summary>The notebook's: divide by the map's maximum. An all-zero map stays all zero (never NaN).</summary>
    DivideByMax,

    /// <summary>pytorch-grad-cam's: subtract the minimum, then divide by (1e-7 + maximum); maxima land just under 1.</summary>
    MinMax,
}

/// <summary>The normalisations by the names manifests, the command line and the explorer use.</summary>
public static class MapNormalizationNames
{
    public const string DivideByMax = "divide-by-max", MinMax = "min-max";

    public static string NameOf(MapNormalization normalization) => normalization == MapNormalization.MinMax ? MinMax : DivideByMax;

    /// <summary>The normalisation called <paramref name="name"/>, or null for a name that is neither.</summary>
    public static MapNormalization? Parse(string? name) => name switch
    {
        DivideByMax => MapNormalization.DivideByMax,
        MinMax => MapNormalization.MinMax,
        _ => null,
    };
}

public static class MapNormalizer
{
    /// <summary>Normalises every map of a [N, H, W] batch on its own.</summary>
    public static Tensor Normalize(Tensor maps, MapNormalization normalization)
    {
        var flat = maps.flatten(1);
        switch (normalization)
        {
            case MapNormalization.DivideByMax:
            {
                var max = flat.amax(new long[] { 1 }, keepdim: true);
                // Where the max is 0 the map is all zero: divide by 1 instead of 0.
                return (flat / where(max > 0, max, ones_like(max))).view_as(maps);
            }
            case MapNormalization.MinMax:
            {
                var shifted = flat - flat.amin(new long[] { 1 }, keepdim: true);
                return (shifted / (shifted.amax(new long[] { 1 }, keepdim: true) + 1e-7f)).view_as(maps);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(normalization), normalization, null);
        }
    }
}
