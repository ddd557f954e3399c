namespace SharpCam.Metrics;

/// <summary>
/// numpy.percentile with its default "linear" method, bit for bit for float32 data (numpy 1.24): the virtual index
/// (n − 1)·p/100 in float64; the neighbours' difference b − a is taken in float32 (numpy subtracts the two float32
/// elements), the interpolation in float64, and from the upper neighbour when the weight is ≥ 0.5.
/// </summary>
public static class Percentile
{
    /// <summary>The <paramref name="percent"/>-th percentile (0–100) of <paramref name="values"/>, as numpy computes it.</summary>
    public static double Linear(ReadOnlySpan<float> values, double percent)
    {
        if (values.Length == 0) throw new ArgumentException("The percentile of an empty array is undefined.", nameof(values));
        if (!(percent is >= 0 and <= 100)) throw new ArgumentOutOfRangeException(nameof(percent), percent, "Percentiles lie in [0, 100].");
        var sorted = values.ToArray();
        Array.Sort(sorted);
        if (float.IsNaN(sorted[^1])) return double.NaN;   // numpy: NaN anywhere gives NaN

        double index = (sorted.Length - 1) * (percent / 100);
        if (index >= sorted.Length - 1) return sorted[^1];
        var below = (int)Math.Floor(index);
        double weight = index - below;
        float a = sorted[below], b = sorted[below + 1];
        float difference = b - a;   // float32 subtraction, as numpy's subtract(b, a) of two float32 values
        return weight >= 0.5 ? b - difference * (1 - weight) : a + difference * weight;
    }
}
