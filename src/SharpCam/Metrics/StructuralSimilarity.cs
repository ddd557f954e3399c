namespace SharpCam.Metrics;

/// <summary>
/// The mean structural similarity (Wang et al., 2004) as scikit-image's <c>structural_similarity(a, b, data_range=R)</c>
/// with its defaults: a 7×7 uniform window (scipy's uniform_filter, "reflect" edges), K1 = 0.01, K2 = 0.03, sample
/// covariances (× 49/48), and the mean of the SSIM image without its 3-pixel border. Computed in float64, as
/// scikit-image does for float64 images (it computes float32 images in float32; the results differ by ~1e-7).
/// </summary>
public static class StructuralSimilarity
{
    private const int Window = 7, Radius = Window / 2;
    private const double K1 = 0.01, K2 = 0.03;

    /// <summary>SSIM of two row-major H×W images; both must be at least 7×7.</summary>
    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width, double dataRange = 1)
    {
        if (a.Length != height * width || b.Length != height * width)
            throw new ArgumentException($"SSIM needs two {height}×{width} images; got {a.Length} and {b.Length} pixels.");
        if (height < Window || width < Window)
            throw new ArgumentException($"SSIM's {Window}×{Window} window does not fit a {height}×{width} image; maps must be at least {Window}×{Window}.");
        var x = new double[a.Length];
        var y = new double[b.Length];
        var xx = new double[a.Length];
        var yy = new double[a.Length];
        var xy = new double[a.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = a[i];
            y[i] = b[i];
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        var ux = Smooth(x, height, width);
        var uy = Smooth(y, height, width);
        var uxx = Smooth(xx, height, width);
        var uyy = Smooth(yy, height, width);
        var uxy = Smooth(xy, height, width);

        const double covarianceNorm = Window * Window / (Window * Window - 1.0);
        double c1 = K1 * dataRange * (K1 * dataRange), c2 = K2 * dataRange * (K2 * dataRange), sum = 0;
        for (int r = Radius; r < height - Radius; r++)
        for (int c = Radius; c < width - Radius; c++)
        {
            int i = r * width + c;
            double vx = covarianceNorm * (uxx[i] - ux[i] * ux[i]);
            double vy = covarianceNorm * (uyy[i] - uy[i] * uy[i]);
            double vxy = covarianceNorm * (uxy[i] - ux[i] * uy[i]);
            sum += (2 * ux[i] * uy[i] + c1) * (2 * vxy + c2) / ((ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2));
        }
        return sum / ((height - 2 * Radius) * (width - 2 * Radius));
    }

    /// <summary>The 7×7 mean around each pixel: a 7-tap mean down the rows, then along them, mirrored at the edges.</summary>
    private static double[] Smooth(double[] image, int height, int width)
    {
        var down = new double[image.Length];
        for (int r = 0; r < height; r++)
        for (int c = 0; c < width; c++)
        {
            double s = 0;
            for (int k = -Radius; k <= Radius; k++) s += image[Reflect(r + k, height) * width + c];
            down[r * width + c] = s / Window;
        }
        var result = new double[image.Length];
        for (int r = 0; r < height; r++)
        for (int c = 0; c < width; c++)
        {
            double s = 0;
            for (int k = -Radius; k <= Radius; k++) s += down[r * width + Reflect(c + k, width)];
            result[r * width + c] = s / Window;
        }
        return result;
    }

    /// <summary>scipy's "reflect" (half-sample symmetric) edge: … b a | a b c … x y | y x …; one reflection suffices for n ≥ 7.</summary>
    private static int Reflect(int i, int n) => i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i;
}
