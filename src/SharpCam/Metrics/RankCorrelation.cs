namespace SharpCam.Metrics;

/// <summary>Spearman's rank correlation as scipy.stats.spearmanr: the Pearson correlation of the average ranks.</summary>
public static class RankCorrelation
{
    /// <summary>Spearman's ρ of two equally long samples; NaN when either is constant (as scipy).</summary>
    public static double Spearman(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Spearman's correlation needs samples of equal length; got {a.Length} and {b.Length}.");
        return Pearson(AverageRanks(a), AverageRanks(b));
    }

    /// <summary>1-based ranks where tied values share the mean of their ranks (scipy.stats.rankdata, method "average").</summary>
    public static double[] AverageRanks(ReadOnlySpan<float> values)
    {
        var keys = values.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(keys, order);
        var ranks = new double[keys.Length];
        for (int start = 0, end; start < keys.Length; start = end)
        {
            for (end = start + 1; end < keys.Length && keys[end] == keys[start]; end++) { }
            double shared = (start + 1 + end) / 2.0;   // mean of the ranks start+1 … end
            for (int k = start; k < end; k++) ranks[order[k]] = shared;
        }
        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double meanX = x.Average(), meanY = y.Average(), xy = 0, xx = 0, yy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            xy += dx * dy;
            xx += dx * dx;
            yy += dy * dy;
        }
        if (xx == 0 || yy == 0) return double.NaN;
        return Math.Clamp(xy / Math.Sqrt(xx * yy), -1, 1);
    }
}
