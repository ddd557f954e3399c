namespace SharpCam.Metrics;

/// <summary>
/// A square symmetric sparse matrix in compressed rows (CSR), with what the multigrid solver needs: products,
/// residuals, Gauss–Seidel sweeps and the Galerkin coarse matrix Pᵀ·A·P.
/// </summary>
internal sealed class SparseMatrix
{
    public SparseMatrix(int[] rowStart, int[] columns, double[] values)
    {
        RowStart = rowStart;
        Columns = columns;
        Values = values;
        Diagonal = new double[Size];
        for (int i = 0; i < Size; i++)
        for (int k = rowStart[i]; k < rowStart[i + 1]; k++)
            if (columns[k] == i) Diagonal[i] += values[k];
    }

    public int Size => RowStart.Length - 1;
    public int[] RowStart { get; }
    public int[] Columns { get; }
    public double[] Values { get; }
    public double[] Diagonal { get; }

    /// <summary>y = A·x.</summary>
    public void Multiply(double[] x, double[] y)
    {
        for (int i = 0; i < Size; i++)
        {
            double sum = 0;
            for (int k = RowStart[i]; k < RowStart[i + 1]; k++) sum += Values[k] * x[Columns[k]];
            y[i] = sum;
        }
    }

    /// <summary>r = b − A·x.</summary>
    public void Residual(double[] x, double[] b, double[] r)
    {
        Multiply(x, r);
        for (int i = 0; i < Size; i++) r[i] = b[i] - r[i];
    }

    /// <summary>
    /// One Gauss–Seidel sweep for A·x = b, rows in ascending (or descending) order, updating x in place. Every diagonal
    /// entry is positive: the fine matrix is positive definite and every coarse unknown interpolates to a fine one.
    /// </summary>
    public void GaussSeidel(double[] x, double[] b, bool descending)
    {
        for (int n = 0; n < Size; n++)
        {
            int i = descending ? Size - 1 - n : n;
            double sum = b[i];
            for (int k = RowStart[i]; k < RowStart[i + 1]; k++)
                if (Columns[k] != i) sum -= Values[k] * x[Columns[k]];
            x[i] = sum / Diagonal[i];
        }
    }

    /// <summary>The coarse matrix Pᵀ·A·P for an interpolation P from <paramref name="p"/>.CoarseSize unknowns to these.</summary>
    public SparseMatrix Galerkin(Interpolation p)
    {
        var ap = Product(p);   // A·P: fine rows, coarse columns
        var transposed = p.Transposed();
        var rowStart = new int[p.CoarseSize + 1];
        var columns = new List<int>();
        var values = new List<double>();
        var accumulator = new double[p.CoarseSize];
        var seen = new int[p.CoarseSize];
        Array.Fill(seen, -1);
        var touched = new List<int>();
        for (int coarse = 0; coarse < p.CoarseSize; coarse++)
        {
            touched.Clear();
            foreach (var (fine, weight) in transposed[coarse])
            foreach (var (column, value) in ap[fine])
            {
                if (seen[column] != coarse) { seen[column] = coarse; accumulator[column] = 0; touched.Add(column); }
                accumulator[column] += weight * value;
            }
            touched.Sort();
            foreach (var column in touched) { columns.Add(column); values.Add(accumulator[column]); }
            rowStart[coarse + 1] = columns.Count;
        }
        return new SparseMatrix(rowStart, columns.ToArray(), values.ToArray());
    }

    /// <summary>A·P row by row, as (coarse column, value) lists.</summary>
    private List<(int Column, double Value)>[] Product(Interpolation p)
    {
        var rows = new List<(int, double)>[Size];
        var accumulator = new double[p.CoarseSize];
        var seen = new int[p.CoarseSize];
        Array.Fill(seen, -1);
        var touched = new List<int>();
        for (int i = 0; i < Size; i++)
        {
            touched.Clear();
            for (int k = RowStart[i]; k < RowStart[i + 1]; k++)
            for (int m = p.RowStart[Columns[k]]; m < p.RowStart[Columns[k] + 1]; m++)
            {
                int column = p.Columns[m];
                if (seen[column] != i) { seen[column] = i; accumulator[column] = 0; touched.Add(column); }
                accumulator[column] += Values[k] * p.Weights[m];
            }
            rows[i] = touched.Select(c => (c, accumulator[c])).ToList();
        }
        return rows;
    }
}

/// <summary>
/// Interpolation P from a coarse level's unknowns to a fine level's, in compressed rows (one row per fine unknown).
/// Restriction is its transpose.
/// </summary>
internal sealed record Interpolation(int CoarseSize, int[] RowStart, int[] Columns, double[] Weights)
{
    public int FineSize => RowStart.Length - 1;

    /// <summary>coarse = Pᵀ·fine.</summary>
    public void Restrict(double[] fine, double[] coarse)
    {
        Array.Clear(coarse);
        for (int i = 0; i < FineSize; i++)
        for (int k = RowStart[i]; k < RowStart[i + 1]; k++)
            coarse[Columns[k]] += Weights[k] * fine[i];
    }

    /// <summary>fine += P·coarse.</summary>
    public void AddInterpolated(double[] coarse, double[] fine)
    {
        for (int i = 0; i < FineSize; i++)
        for (int k = RowStart[i]; k < RowStart[i + 1]; k++)
            fine[i] += Weights[k] * coarse[Columns[k]];
    }

    /// <summary>Per coarse unknown, the fine unknowns it interpolates to, with their weights.</summary>
    public List<(int Fine, double Weight)>[] Transposed()
    {
        var columns = Enumerable.Range(0, CoarseSize).Select(_ => new List<(int, double)>()).ToArray();
        for (int i = 0; i < FineSize; i++)
        for (int k = RowStart[i]; k < RowStart[i + 1]; k++)
            columns[Columns[k]].Add((i, Weights[k]));
        return columns;
    }
}
