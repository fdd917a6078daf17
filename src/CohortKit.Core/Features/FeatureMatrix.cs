using System.Numerics.Tensors;

namespace CohortKit.Features;

/// <summary>
/// A dense <c>rows × dimensions</c> matrix of <see cref="float"/> in one contiguous row-major buffer: one row per
/// learner, one column per feature. Similarity kernels take its row spans directly.
/// </summary>
/// <remarks>Not thread-safe for writes; concurrent reads are safe. In-place operations change the buffer.</remarks>
public sealed class FeatureMatrix
{
    private readonly float[] _data;
    private readonly string[] _featureNames;

    /// <summary>Creates a zero-filled matrix.</summary>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="dimensions">Number of columns (≥ 1).</param>
    /// <param name="featureNames">Optional column names (length <paramref name="dimensions"/>); defaults to <c>f0, f1, …</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or too large for one buffer.</exception>
    /// <exception cref="ArgumentException">The names have the wrong length.</exception>
    public FeatureMatrix(int rows, int dimensions, IReadOnlyList<string>? featureNames = null)
        : this(new float[CheckedSize(rows, dimensions)], rows, dimensions, featureNames)
    {
    }

    /// <summary>Wraps an existing row-major buffer (not copied; the matrix owns it afterwards).</summary>
    /// <param name="data">The values, length <c>rows × dimensions</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="dimensions">Number of columns.</param>
    /// <param name="featureNames">Optional column names.</param>
    /// <exception cref="ArgumentException">The buffer length or names do not match the shape.</exception>
    public FeatureMatrix(float[] data, int rows, int dimensions, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != CheckedSize(rows, dimensions))
        {
            throw new ArgumentException($"data has {data.Length} values; a {rows} × {dimensions} matrix needs {(long)rows * dimensions}.", nameof(data));
        }

        if (featureNames is not null && featureNames.Count != dimensions)
        {
            throw new ArgumentException($"featureNames has {featureNames.Count} names for {dimensions} dimensions.", nameof(featureNames));
        }

        _data = data;
        Rows = rows;
        Dimensions = dimensions;
        _featureNames = featureNames?.ToArray() ?? Enumerable.Range(0, dimensions).Select(j => $"f{j}").ToArray();
    }

    /// <summary>Gets the number of rows.</summary>
    public int Rows { get; }

    /// <summary>Gets the number of columns (features).</summary>
    public int Dimensions { get; }

    /// <summary>Gets the column names.</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>Gets or sets one value.</summary>
    /// <param name="row">The row.</param>
    /// <param name="column">The column.</param>
    /// <returns>The value.</returns>
    public float this[int row, int column]
    {
        get => Row(row)[column];
        set => Row(row)[column] = value;
    }

    /// <summary>Gets the whole buffer, row-major.</summary>
    /// <returns>A span over all values.</returns>
    public Span<float> AsSpan() => _data;

    /// <summary>Gets one row.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>A span of length <see cref="Dimensions"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The row is out of range.</exception>
    public Span<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {Rows}).");
        }

        return _data.AsSpan(row * Dimensions, Dimensions);
    }

    /// <summary>Scales every row to unit Euclidean norm in place, so that a dot product is a cosine similarity.</summary>
    /// <remarks>A zero row stays zero (its cosine with anything is then 0); no NaN is produced.</remarks>
    /// <exception cref="InvalidOperationException">A value is NaN or infinite (the message gives row and column).</exception>
    public void NormalizeRows()
    {
        for (var r = 0; r < Rows; r++)
        {
            var row = _data.AsSpan(r * Dimensions, Dimensions);
            var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)row);
            if (!float.IsFinite(norm))
            {
                ThrowNonFinite(r);
            }

            if (norm > 0)
            {
                TensorPrimitives.Multiply(row, 1f / norm, row);
            }
        }
    }

    /// <summary>Computes each column's mean, accumulating in double precision.</summary>
    /// <param name="destination">Receives one mean per column (length ≥ <see cref="Dimensions"/>).</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    /// <exception cref="InvalidOperationException">The matrix has no rows.</exception>
    public void ColumnMeans(Span<double> destination)
    {
        CheckColumnDestination(destination, 1);
        var acc = destination[..Dimensions];
        acc.Clear();
        var tmp = new double[Dimensions];
        for (var r = 0; r < Rows; r++)
        {
            TensorPrimitives.ConvertChecked<float, double>(_data.AsSpan(r * Dimensions, Dimensions), tmp);
            TensorPrimitives.Add(acc, tmp, acc);
        }

        TensorPrimitives.Divide(acc, Rows, acc);
    }

    /// <summary>Computes each column's sample standard deviation (divisor n − 1), by two passes in double precision.</summary>
    /// <param name="destination">Receives one standard deviation per column.</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    /// <exception cref="InvalidOperationException">The matrix has fewer than two rows.</exception>
    public void ColumnStandardDeviations(Span<double> destination)
    {
        CheckColumnDestination(destination, 2);
        var means = new double[Dimensions];
        ColumnMeans(means);
        StandardDeviations(means, destination);
    }

    /// <summary>Sample standard deviations around given column means (the second pass of the two-pass method).</summary>
    private void StandardDeviations(ReadOnlySpan<double> means, Span<double> destination)
    {
        var acc = destination[..Dimensions];
        acc.Clear();
        var tmp = new double[Dimensions];
        for (var r = 0; r < Rows; r++)
        {
            TensorPrimitives.ConvertChecked<float, double>(_data.AsSpan(r * Dimensions, Dimensions), tmp);
            TensorPrimitives.Subtract(tmp, means, tmp);
            TensorPrimitives.MultiplyAdd(tmp, tmp, acc, acc);
        }

        TensorPrimitives.Divide(acc, Rows - 1, acc);
        TensorPrimitives.Sqrt(acc, acc);
    }

    /// <summary>Standardises every column in place to mean 0 and sample standard deviation 1 (z-scores).</summary>
    /// <remarks>A constant column (standard deviation 0) becomes all zeros rather than NaN.</remarks>
    /// <exception cref="InvalidOperationException">Fewer than two rows, or a value is NaN or infinite.</exception>
    public void Standardize()
    {
        var means = new double[Dimensions];
        var sds = new double[Dimensions];
        CheckColumnDestination(sds, 2);
        ColumnMeans(means);
        StandardDeviations(means, sds);
        var shift = new float[Dimensions];
        var scale = new float[Dimensions];
        for (var j = 0; j < Dimensions; j++)
        {
            if (!double.IsFinite(sds[j]) || !double.IsFinite(means[j]))
            {
                throw new InvalidOperationException($"Column '{_featureNames[j]}' contains NaN or infinite values.");
            }

            shift[j] = (float)means[j];
            scale[j] = sds[j] > 0 ? (float)(1 / sds[j]) : 0f;
        }

        for (var r = 0; r < Rows; r++)
        {
            var row = _data.AsSpan(r * Dimensions, Dimensions);
            TensorPrimitives.Subtract(row, shift, row);
            TensorPrimitives.Multiply(row, scale, row);
        }
    }

    private void CheckColumnDestination(Span<double> destination, int minRows)
    {
        if (destination.Length < Dimensions)
        {
            throw new ArgumentException($"destination has length {destination.Length}; it needs {Dimensions}.", nameof(destination));
        }

        if (Rows < minRows)
        {
            throw new InvalidOperationException($"The matrix has {Rows} rows; this statistic needs at least {minRows}.");
        }
    }

    private void ThrowNonFinite(int r)
    {
        var row = _data.AsSpan(r * Dimensions, Dimensions);
        for (var j = 0; j < row.Length; j++)
        {
            if (!float.IsFinite(row[j]))
            {
                throw new InvalidOperationException($"Row {r}, column '{_featureNames[j]}' is {row[j]}; features must be finite.");
            }
        }

        throw new InvalidOperationException($"Row {r} has a norm that overflows single precision.");
    }

    private static int CheckedSize(int rows, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var size = (long)rows * dimensions;
        if (size > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"{rows} × {dimensions} exceeds the largest single buffer ({Array.MaxLength}).");
        }

        return (int)size;
    }
}
