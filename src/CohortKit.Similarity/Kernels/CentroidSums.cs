using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Kernels;

/// <summary>The one implementation of per-cohort sums of unit vectors, used by cohort formation, the quality report and the
/// collaboration service: Σ of the L2-normalised rows of each label, in double, with the member and non-zero counts.</summary>
internal sealed class CentroidSums
{
    private CentroidSums(int k, int d)
    {
        Count = k;
        Dimensions = d;
        Sums = new double[k * d];
        Sizes = new int[k];
        Units = new int[k];
    }

    /// <summary>Gets the number of labels.</summary>
    public int Count { get; }

    /// <summary>Gets the vector length.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the sums, label-major (Count × Dimensions).</summary>
    public double[] Sums { get; }

    /// <summary>Gets the members per label.</summary>
    public int[] Sizes { get; }

    /// <summary>Gets the non-zero members per label (their unit vectors have ‖x‖² = 1; zero rows add nothing).</summary>
    public int[] Units { get; }

    /// <summary>Sums the rows rows[i] (or row i when <paramref name="rows"/> is null) of a row-major buffer by labels[i].</summary>
    /// <param name="x">Rows × d values.</param>
    /// <param name="d">The row length.</param>
    /// <param name="rows">Which rows (null: all, in order).</param>
    /// <param name="labels">The label of each selected row, in [0, k).</param>
    /// <param name="k">The number of labels.</param>
    /// <param name="unitRows">Whether the rows are already unit (or zero) vectors; otherwise each is normalised on a copy.</param>
    /// <returns>The sums.</returns>
    public static CentroidSums Compute(ReadOnlySpan<float> x, int d, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels, int k, bool unitRows)
    {
        var result = new CentroidSums(k, d);
        var unit = new float[d];
        var count = rows.IsEmpty ? labels.Length : rows.Length;
        for (var i = 0; i < count; i++)
        {
            var r = rows.IsEmpty ? i : rows[i];
            var row = x.Slice(r * d, d);
            var nonZero = true;
            if (!unitRows)
            {
                row.CopyTo(unit);
                nonZero = VectorMath.NormalizeInPlace(unit);
                row = unit;
            }

            var c = labels[i];
            result.Sizes[c]++;
            if (!nonZero) { continue; }
            result.Units[c]++;
            var sum = result.Sums.AsSpan(c * d, d);
            for (var j = 0; j < d; j++) { sum[j] += row[j]; }
        }

        if (unitRows)
        {
            // Zero rows of an already normalised buffer count as members but not as unit vectors.
            for (var i = 0; i < count; i++)
            {
                var r = rows.IsEmpty ? i : rows[i];
                var row = x.Slice(r * d, d);
                if (!row.ContainsAnyExcept(0f)) { result.Units[labels[i]]--; }
            }
        }

        return result;
    }

    /// <summary>Mean pairwise cosine within label c: (‖Σx‖² − Σ‖x‖²) / (n(n − 1)); NaN below 2 members.</summary>
    /// <param name="c">The label.</param>
    /// <returns>The mean over pairs of members.</returns>
    public double MeanPairwise(int c)
    {
        var n = Sizes[c];
        if (n < 2) { return double.NaN; }
        return (SquaredNorm(c) - Units[c]) / ((double)n * (n - 1));
    }

    /// <summary>‖Σx‖² of label c.</summary>
    /// <param name="c">The label.</param>
    /// <returns>The squared norm of the sum.</returns>
    public double SquaredNorm(int c)
    {
        double s2 = 0;
        foreach (var v in Sums.AsSpan(c * Dimensions, Dimensions)) { s2 += v * v; }
        return s2;
    }

    /// <summary>Writes the unit-length mean direction of each label into a float buffer (a label without non-zero members
    /// gets a zero centroid).</summary>
    /// <param name="centroids">Count × Dimensions floats.</param>
    public void UnitCentroids(Span<float> centroids)
    {
        for (var c = 0; c < Count; c++)
        {
            var target = centroids.Slice(c * Dimensions, Dimensions);
            for (var j = 0; j < Dimensions; j++) { target[j] = (float)Sums[c * Dimensions + j]; }
            VectorMath.NormalizeInPlace(target);
        }
    }
}
