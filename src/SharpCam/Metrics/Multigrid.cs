namespace SharpCam.Metrics;

/// <summary>
/// A geometric multigrid V-cycle for a symmetric positive definite system whose unknowns sit on pixels of a grid;
/// used as the preconditioner of conjugate gradients (<see cref="ImputationSystem"/>).
/// </summary>
/// <remarks>
/// Each coarser level takes every other row and column. A fine unknown is interpolated bilinearly from the coarse
/// grid points around it (weights 1, 1/2 or 1/4, renormalised where the grid ends, so constants are reproduced at
/// the image border, where the system has no boundary condition); the coarse matrix is Pᵀ·A·P. One cycle is a
/// forward Gauss–Seidel sweep, the coarse correction, and a backward sweep, so it is a symmetric positive definite
/// operator, as conjugate gradients need. The coarsest level is solved densely (skipping the directions in which
/// its matrix is singular, which happens where several coarse points only reach the same few fine unknowns), or,
/// when coarsening stops paying off on many scattered unknowns, with symmetric Gauss–Seidel sweeps.
/// </remarks>
internal sealed class Multigrid
{
    private const int DenseLimit = 300, SmoothingSweeps = 4;

    private readonly List<Level> _levels = new();
    private readonly DenseLdl? _coarsest;

    public Multigrid(SparseMatrix matrix, (int Row, int Column)[] points, int height, int width)
    {
        var level = new Level(matrix);
        _levels.Add(level);
        while (level.Matrix.Size > DenseLimit && height > 2 && width > 2)
        {
            var (interpolation, coarsePoints) = Coarsen(points, height, width);
            if (interpolation.CoarseSize > 0.7 * level.Matrix.Size) break;   // scattered unknowns: coarsening no longer shrinks the problem
            level.Interpolation = interpolation;
            level = new Level(level.Matrix.Galerkin(interpolation));
            _levels.Add(level);
            (points, height, width) = (coarsePoints, (height + 1) / 2, (width + 1) / 2);
        }
        if (level.Matrix.Size <= DenseLimit) _coarsest = new DenseLdl(level.Matrix);
    }

    /// <summary>z = B·r, one V-cycle from zero.</summary>
    public void Apply(double[] r, double[] z) => Cycle(0, r, z);

    private void Cycle(int depth, double[] b, double[] x)
    {
        var level = _levels[depth];
        Array.Clear(x);
        if (depth == _levels.Count - 1)
        {
            if (_coarsest is not null) _coarsest.Solve(b, x);
            else
                for (int sweep = 0; sweep < SmoothingSweeps; sweep++)
                {
                    level.Matrix.GaussSeidel(x, b, descending: false);
                    level.Matrix.GaussSeidel(x, b, descending: true);
                }
            return;
        }
        var coarse = _levels[depth + 1];
        level.Matrix.GaussSeidel(x, b, descending: false);
        level.Matrix.Residual(x, b, level.Residual);
        level.Interpolation!.Restrict(level.Residual, coarse.RightHandSide);
        Cycle(depth + 1, coarse.RightHandSide, coarse.Solution);
        level.Interpolation.AddInterpolated(coarse.Solution, x);
        level.Matrix.GaussSeidel(x, b, descending: true);
    }

    /// <summary>The coarse grid points each fine unknown interpolates from, and the coarse unknowns' coordinates.</summary>
    private static (Interpolation, (int, int)[]) Coarsen((int Row, int Column)[] points, int height, int width)
    {
        int coarseHeight = (height + 1) / 2, coarseWidth = (width + 1) / 2;
        var index = new Dictionary<(int, int), int>();
        var coarsePoints = new List<(int, int)>();
        var rowStart = new int[points.Length + 1];
        var columns = new List<int>();
        var weights = new List<double>();
        for (int i = 0; i < points.Length; i++)
        {
            var rows = Parents(points[i].Row, coarseHeight);
            var cols = Parents(points[i].Column, coarseWidth);
            foreach (var r in rows)
            foreach (var c in cols)
            {
                if (!index.TryGetValue((r, c), out var k))
                {
                    index[(r, c)] = k = coarsePoints.Count;
                    coarsePoints.Add((r, c));
                }
                columns.Add(k);
                weights.Add(1.0 / (rows.Length * cols.Length));
            }
            rowStart[i + 1] = columns.Count;
        }
        return (new Interpolation(coarsePoints.Count, rowStart, columns.ToArray(), weights.ToArray()), coarsePoints.ToArray());
    }

    /// <summary>The coarse indices next to fine index i: i/2 when even, (i∓1)/2 when odd (those inside the coarse grid).</summary>
    private static int[] Parents(int i, int coarseSize) =>
        i % 2 == 0 ? new[] { i / 2 } : new[] { (i - 1) / 2, (i + 1) / 2 }.Where(p => p < coarseSize).ToArray();

    private sealed class Level(SparseMatrix matrix)
    {
        public SparseMatrix Matrix { get; } = matrix;
        public Interpolation? Interpolation { get; set; }
        public double[] Residual { get; } = new double[matrix.Size];
        public double[] RightHandSide { get; } = new double[matrix.Size];
        public double[] Solution { get; } = new double[matrix.Size];
    }

    /// <summary>
    /// Dense LDLᵀ of a small symmetric positive semi-definite matrix; directions with a (numerically) zero pivot are
    /// left out of the solution, which keeps the solve symmetric.
    /// </summary>
    private sealed class DenseLdl
    {
        private readonly int _n;
        private readonly double[,] _l;
        private readonly double[] _inversePivot;   // 0 for the left-out directions

        public DenseLdl(SparseMatrix matrix)
        {
            _n = matrix.Size;
            _l = new double[_n, _n];
            _inversePivot = new double[_n];
            var a = new double[_n, _n];
            for (int i = 0; i < _n; i++)
            for (int k = matrix.RowStart[i]; k < matrix.RowStart[i + 1]; k++)
                a[i, matrix.Columns[k]] += matrix.Values[k];
            double scale = matrix.Diagonal.Select(Math.Abs).DefaultIfEmpty(0).Max();
            var pivots = new double[_n];
            for (int j = 0; j < _n; j++)
            {
                double pivot = a[j, j];
                for (int k = 0; k < j; k++) pivot -= _l[j, k] * _l[j, k] * pivots[k];
                _l[j, j] = 1;
                if (pivot <= 1e-12 * scale) continue;   // singular direction: its column of L stays 0
                pivots[j] = pivot;
                _inversePivot[j] = 1 / pivot;
                for (int i = j + 1; i < _n; i++)
                {
                    double sum = a[i, j];
                    for (int k = 0; k < j; k++) sum -= _l[i, k] * _l[j, k] * pivots[k];
                    _l[i, j] = sum / pivot;
                }
            }
        }

        public void Solve(double[] b, double[] x)
        {
            var y = (double[])b.Clone();
            for (int i = 0; i < _n; i++)
            for (int k = 0; k < i; k++)
                y[i] -= _l[i, k] * y[k];
            for (int i = 0; i < _n; i++) y[i] *= _inversePivot[i];
            for (int i = _n - 1; i >= 0; i--)
            {
                for (int k = i + 1; k < _n; k++) y[i] -= _l[k, i] * y[k];
                x[i] = y[i];
            }
        }
    }
}
