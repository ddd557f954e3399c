namespace SharpCam.Metrics;

/// <summary>
/// The sparse linear system of ROAD's noisy linear imputation (Rong et al., 2022) on one H×W mask, and its solver.
/// </summary>
/// <remarks>
/// Every imputed pixel must equal the weighted sum of its 8 neighbours (1/6 for the 4 edge ones, 1/12 for the 4
/// diagonal ones, neighbours outside the image dropped, weights not renormalised). With M = −A this reads
/// <c>d_i·v_i − Σ_{imputed j} w_ij·v_j = Σ_{known j} w_ij·x_j</c>, d_i = the sum of the in-bounds weights.
/// The weights are symmetric (w(offset) = w(−offset)), so M is symmetric: a weighted graph Laplacian of the imputed
/// pixels plus, on the diagonal, the weights towards known pixels. Every connected group of imputed pixels short of
/// the whole image touches a known pixel, so M is symmetric positive definite whenever one pixel is known, and
/// conjugate gradients converge to the unique solution. With no known pixel the right-hand side is zero and the
/// solution is zero (what SuperLU returns for pytorch-grad-cam).
///
/// Speed: plain conjugate gradients need ~1000 iterations on a 224×224 image (the condition number grows with the
/// square of the size); preconditioned by one multigrid V-cycle (<see cref="Multigrid"/>) they need about ten, and
/// the hierarchy is built once per mask for all channels.
/// </remarks>
internal sealed class ImputationSystem
{
    private const double Edge = 1.0 / 6, Diagonal = 1.0 / 12;

    /// <summary>Relative residual ‖r‖/‖b‖ at which CG stops: ~1e-12 relative error, far below float32's 6e-8.</summary>
    private const double Tolerance = 1e-13;

    // pytorch-grad-cam's neighbour order (row offset, column offset, weight); only the right-hand side's float64
    // summation order depends on it.
    private static readonly (int Row, int Column, double Weight)[] Neighbours =
    {
        (1, 1, Diagonal), (0, 1, Edge), (-1, 1, Diagonal), (1, -1, Diagonal),
        (0, -1, Edge), (-1, -1, Diagonal), (1, 0, Edge), (-1, 0, Edge),
    };

    private readonly int _height, _width;
    private readonly bool[] _keep;
    private readonly int[] _unknowns;   // pixel index of each unknown, row-major
    private readonly SparseMatrix _matrix;
    private readonly Lazy<Multigrid> _preconditioner;

    /// <param name="keep">Row-major H·W flags: true = known pixel, false = imputed.</param>
    public ImputationSystem(int height, int width, bool[] keep)
    {
        if (keep.Length != height * width) throw new ArgumentException($"The mask has {keep.Length} pixels, not {height}×{width}.", nameof(keep));
        _height = height;
        _width = width;
        _keep = keep;
        _unknowns = Enumerable.Range(0, keep.Length).Where(p => !keep[p]).ToArray();
        _matrix = Assemble();
        var points = _unknowns.Select(p => (p / width, p % width)).ToArray();
        _preconditioner = new Lazy<Multigrid>(() => new Multigrid(_matrix, points, height, width));
    }

    /// <summary>How many pixels are imputed.</summary>
    public int UnknownCount => _unknowns.Length;

    /// <summary>
    /// The imputed values of one channel <paramref name="image"/> (row-major H·W), in row-major order of the imputed
    /// pixels, solved in float64 and rounded to float32.
    /// </summary>
    public float[] Solve(ReadOnlySpan<float> image)
    {
        var solution = ConjugateGradients(RightHandSide(image));
        return solution.Select(v => (float)v).ToArray();
    }

    private bool Inside(int r, int c) => r >= 0 && r < _height && c >= 0 && c < _width;

    /// <summary>M: d_i on the diagonal, −w_ij towards imputed neighbours; rows and columns in unknown order.</summary>
    private SparseMatrix Assemble()
    {
        var index = new int[_keep.Length];
        for (int k = 0; k < _unknowns.Length; k++) index[_unknowns[k]] = k;
        var rowStart = new int[_unknowns.Length + 1];
        var columns = new List<int>(_unknowns.Length * 9);
        var values = new List<double>(_unknowns.Length * 9);
        for (int k = 0; k < _unknowns.Length; k++)
        {
            int r = _unknowns[k] / _width, c = _unknowns[k] % _width;
            double diagonal = 0;
            var row = new List<(int, double)>(9);
            foreach (var (dr, dc, w) in Neighbours)
            {
                if (!Inside(r + dr, c + dc)) continue;
                diagonal += w;
                int neighbour = (r + dr) * _width + c + dc;
                if (!_keep[neighbour]) row.Add((index[neighbour], -w));
            }
            row.Add((k, diagonal));
            foreach (var (column, value) in row.OrderBy(e => e.Item1)) { columns.Add(column); values.Add(value); }
            rowStart[k + 1] = columns.Count;
        }
        return new SparseMatrix(rowStart, columns.ToArray(), values.ToArray());
    }

    /// <summary>Σ over known neighbours of w·x. Each product is rounded to float32 first, as numpy multiplies a float32 image by a Python float.</summary>
    private double[] RightHandSide(ReadOnlySpan<float> image)
    {
        var b = new double[_unknowns.Length];
        for (int k = 0; k < _unknowns.Length; k++)
        {
            int r = _unknowns[k] / _width, c = _unknowns[k] % _width;
            foreach (var (dr, dc, w) in Neighbours)
            {
                int nr = r + dr, nc = c + dc;
                if (Inside(nr, nc) && _keep[nr * _width + nc]) b[k] += (float)w * image[nr * _width + nc];
            }
        }
        return b;
    }

    /// <summary>Multigrid-preconditioned conjugate gradients for M·v = b, from v = 0.</summary>
    private double[] ConjugateGradients(double[] b)
    {
        int n = b.Length;
        var x = new double[n];
        double bNorm = Math.Sqrt(Dot(b, b));
        if (bNorm == 0) return x;   // also the all-imputed case, where M is singular and 0 is SuperLU's answer

        var preconditioner = _preconditioner.Value;
        var r = (double[])b.Clone();
        var z = new double[n];
        var q = new double[n];
        preconditioner.Apply(r, z);
        var p = (double[])z.Clone();
        double rz = Dot(r, z);
        const int limit = 500;
        for (int iteration = 0; iteration < limit; iteration++)
        {
            _matrix.Multiply(p, q);
            double alpha = rz / Dot(p, q);
            for (int i = 0; i < n; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * q[i];
            }
            if (Math.Sqrt(Dot(r, r)) <= Tolerance * bNorm) return x;
            preconditioner.Apply(r, z);
            double rzNext = Dot(r, z);
            double beta = rzNext / rz;
            rz = rzNext;
            for (int i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
        }
        throw new InvalidOperationException(
            $"ROAD imputation did not converge in {limit} conjugate-gradient iterations ({n} imputed pixels of {_height}×{_width}); " +
            "check the image for NaN or infinite values.");
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
