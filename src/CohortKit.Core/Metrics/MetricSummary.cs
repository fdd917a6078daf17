using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CohortKit.Metrics;

/// <summary>
/// A mergeable summary of one metric: count, mean, sum of squared deviations (M2), minimum and maximum.
/// Merging two summaries (Chan et al.'s parallel update) equals summarising the union of their data, so summaries
/// can be computed per shard, per region or per day and combined.
/// </summary>
/// <remarks>
/// Immutable value type; safe to share between threads. <see cref="Empty"/> has count 0; statistics that need
/// data throw <see cref="InvalidOperationException"/> instead of returning NaN.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly struct MetricSummary : IEquatable<MetricSummary>
{
    // Block size for FromSpan: small enough to stay in L1 between the two in-block passes.
    private const int BlockSize = 2048;

    private readonly double _mean;
    private readonly double _m2;
    private readonly double _min;
    private readonly double _max;

    private MetricSummary(long count, double mean, double m2, double min, double max)
    {
        Count = count;
        _mean = mean;
        _m2 = m2;
        _min = min;
        _max = max;
    }

    /// <summary>Gets the summary of no data.</summary>
    public static MetricSummary Empty => default;

    /// <summary>Gets the number of observations.</summary>
    public long Count { get; }

    /// <summary>Gets the arithmetic mean.</summary>
    /// <exception cref="InvalidOperationException">The summary is empty.</exception>
    public double Mean => Count > 0 ? _mean : throw NoData(nameof(Mean), 1);

    /// <summary>Gets the sum of squared deviations from the mean (M2); 0 for an empty summary.</summary>
    public double SumOfSquaredDeviations => _m2;

    /// <summary>Gets the sum of the observations (count × mean); 0 for an empty summary.</summary>
    public double Sum => Count * _mean;

    /// <summary>Gets the smallest observation.</summary>
    /// <exception cref="InvalidOperationException">The summary is empty.</exception>
    public double Min => Count > 0 ? _min : throw NoData(nameof(Min), 1);

    /// <summary>Gets the largest observation.</summary>
    /// <exception cref="InvalidOperationException">The summary is empty.</exception>
    public double Max => Count > 0 ? _max : throw NoData(nameof(Max), 1);

    /// <summary>Gets the unbiased sample variance, M2 / (n − 1).</summary>
    /// <exception cref="InvalidOperationException">Fewer than two observations.</exception>
    public double Variance => Count > 1 ? _m2 / (Count - 1) : throw NoData(nameof(Variance), 2);

    /// <summary>Gets the population variance, M2 / n.</summary>
    /// <exception cref="InvalidOperationException">The summary is empty.</exception>
    public double PopulationVariance => Count > 0 ? _m2 / Count : throw NoData(nameof(PopulationVariance), 1);

    /// <summary>Gets the sample standard deviation, √Variance.</summary>
    /// <exception cref="InvalidOperationException">Fewer than two observations.</exception>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Gets the standard error of the mean, √(Variance / n).</summary>
    /// <exception cref="InvalidOperationException">Fewer than two observations.</exception>
    public double StandardError => Math.Sqrt(Variance / Count);

    /// <summary>Creates a summary from its parts, e.g. after deserialisation or from another system's aggregates.</summary>
    /// <param name="count">Number of observations (≥ 0).</param>
    /// <param name="mean">The mean (finite).</param>
    /// <param name="sumOfSquaredDeviations">M2 (finite, ≥ 0).</param>
    /// <param name="min">The minimum (≤ mean).</param>
    /// <param name="max">The maximum (≥ mean).</param>
    /// <returns>The summary; for <paramref name="count"/> 0 the other arguments are ignored.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A part is negative, non-finite or inconsistent.</exception>
    public static MetricSummary FromParts(long count, double mean, double sumOfSquaredDeviations, double min, double max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return Empty;
        }

        if (!double.IsFinite(mean)) { throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite."); }
        if (!double.IsFinite(sumOfSquaredDeviations) || sumOfSquaredDeviations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sumOfSquaredDeviations), sumOfSquaredDeviations, "M2 must be finite and non-negative.");
        }

        if (!(min <= max) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, $"min ({min}) and max ({max}) must be finite with min ≤ max.");
        }

        return new MetricSummary(count, mean, sumOfSquaredDeviations, min, max);
    }

    /// <summary>Returns this summary with one more observation (Welford's update).</summary>
    /// <param name="value">The observation; must be finite.</param>
    /// <returns>The updated summary.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public MetricSummary Add(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Observations must be finite.");
        }

        var n = Count + 1;
        var delta = value - _mean;
        var mean = _mean + delta / n;
        var m2 = _m2 + delta * (value - mean);
        return Count == 0
            ? new MetricSummary(1, value, 0, value, value)
            : new MetricSummary(n, mean, m2, Math.Min(_min, value), Math.Max(_max, value));
    }

    /// <summary>Combines two summaries as if their data had been summarised together (Chan, Golub and LeVeque's update).</summary>
    /// <param name="other">The other summary.</param>
    /// <returns>The summary of the union.</returns>
    public MetricSummary Merge(in MetricSummary other) => Merge(this, other);

    /// <summary>Combines two summaries as if their data had been summarised together.</summary>
    /// <param name="a">One summary.</param>
    /// <param name="b">The other summary.</param>
    /// <returns>The summary of the union.</returns>
    public static MetricSummary Merge(in MetricSummary a, in MetricSummary b)
    {
        if (b.Count == 0) { return a; }
        if (a.Count == 0) { return b; }
        var n = a.Count + b.Count;
        var delta = b._mean - a._mean;
        var wb = (double)b.Count / n;
        var mean = a._mean + delta * wb;
        var m2 = a._m2 + b._m2 + delta * delta * a.Count * wb;
        return new MetricSummary(n, mean, m2, Math.Min(a._min, b._min), Math.Max(a._max, b._max));
    }

    /// <summary>Summarises a span in one pass over memory (SIMD; blocks of 2,048 values are summed, then their squared
    /// deviations are summed while the block is in L1 cache, and blocks are merged with Chan's update).</summary>
    /// <param name="values">The observations; all must be finite.</param>
    /// <returns>The summary; <see cref="Empty"/> for an empty span.</returns>
    /// <exception cref="ArgumentException">A value is NaN or infinite (the message gives its index), or the sum overflows.</exception>
    /// <remarks>Accuracy: two-pass within each block, pairwise-style merging across blocks; relative error of the
    /// variance is of the order of 1e-15 for well-conditioned data.</remarks>
    public static MetricSummary FromSpan(ReadOnlySpan<double> values)
    {
        var result = Empty;
        for (var start = 0; start < values.Length; start += BlockSize)
        {
            var block = values.Slice(start, Math.Min(BlockSize, values.Length - start));
            var (sum, min, max) = SumMinMax(block);
            var mean = sum / block.Length;
            var m2 = SumSquaredDeviations(block, mean);
            if (!double.IsFinite(m2) || !double.IsFinite(mean))
            {
                ThrowNonFinite(values, start, block.Length);
            }

            result = Merge(result, new MetricSummary(block.Length, mean, m2, min, max));
        }

        return result;
    }

    /// <summary>Summarises a span of single-precision values (accumulated in double precision).</summary>
    /// <param name="values">The observations; all must be finite.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static MetricSummary FromSpan(ReadOnlySpan<float> values)
    {
        Span<double> buffer = stackalloc double[256];
        var result = Empty;
        for (var start = 0; start < values.Length; start += buffer.Length)
        {
            var block = values.Slice(start, Math.Min(buffer.Length, values.Length - start));
            var dst = buffer[..block.Length];
            for (var i = 0; i < block.Length; i++)
            {
                dst[i] = block[i];
            }

            try
            {
                result = Merge(result, FromSpan((ReadOnlySpan<double>)dst));
            }
            catch (ArgumentException)
            {
                ThrowNonFinite(values, start, block.Length);
            }
        }

        return result;
    }

    /// <summary>Scalar reference: sum, min and max of a span.</summary>
    internal static (double Sum, double Min, double Max) SumMinMaxScalar(ReadOnlySpan<double> x)
    {
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in x)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (sum, min, max);
    }

    internal static (double Sum, double Min, double Max) SumMinMax(ReadOnlySpan<double> x)
    {
        ref var p = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        double sum, min, max;
        if (Vector512.IsHardwareAccelerated && n >= 2 * Vector512<double>.Count)
        {
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            Vector512<double> lo = Vector512.LoadUnsafe(ref p), hi = lo;
            for (; i <= n - 2 * Vector512<double>.Count; i += 2 * Vector512<double>.Count)
            {
                var a = Vector512.LoadUnsafe(ref p, (nuint)i);
                var b = Vector512.LoadUnsafe(ref p, (nuint)(i + Vector512<double>.Count));
                s0 += a;
                s1 += b;
                lo = Vector512.Min(lo, Vector512.Min(a, b));
                hi = Vector512.Max(hi, Vector512.Max(a, b));
            }

            sum = Vector512.Sum(s0 + s1);
            (min, max) = (MinAcross(lo.GetLower(), lo.GetUpper()), MaxAcross(hi.GetLower(), hi.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 2 * Vector256<double>.Count)
        {
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            Vector256<double> lo = Vector256.LoadUnsafe(ref p), hi = lo;
            for (; i <= n - 2 * Vector256<double>.Count; i += 2 * Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref p, (nuint)i);
                var b = Vector256.LoadUnsafe(ref p, (nuint)(i + Vector256<double>.Count));
                s0 += a;
                s1 += b;
                lo = Vector256.Min(lo, Vector256.Min(a, b));
                hi = Vector256.Max(hi, Vector256.Max(a, b));
            }

            sum = Vector256.Sum(s0 + s1);
            (min, max) = (MinAcross(lo, lo), MaxAcross(hi, hi));
        }
        else
        {
            return SumMinMaxScalar(x);
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref p, i);
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (sum, min, max);
    }

    private static double MinAcross(Vector256<double> a, Vector256<double> b)
    {
        var m = Vector256.Min(a, b);
        return Math.Min(Math.Min(m[0], m[1]), Math.Min(m[2], m[3]));
    }

    private static double MaxAcross(Vector256<double> a, Vector256<double> b)
    {
        var m = Vector256.Max(a, b);
        return Math.Max(Math.Max(m[0], m[1]), Math.Max(m[2], m[3]));
    }

    /// <summary>Scalar reference: Σ (x − mean)².</summary>
    internal static double SumSquaredDeviationsScalar(ReadOnlySpan<double> x, double mean)
    {
        double s = 0;
        foreach (var v in x)
        {
            var d = v - mean;
            s += d * d;
        }

        return s;
    }

    internal static double SumSquaredDeviations(ReadOnlySpan<double> x, double mean)
    {
        ref var p = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        double s;
        if (Vector512.IsHardwareAccelerated && n >= 2 * Vector512<double>.Count)
        {
            var m = Vector512.Create(mean);
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            for (; i <= n - 2 * Vector512<double>.Count; i += 2 * Vector512<double>.Count)
            {
                var a = Vector512.LoadUnsafe(ref p, (nuint)i) - m;
                var b = Vector512.LoadUnsafe(ref p, (nuint)(i + Vector512<double>.Count)) - m;
                s0 = Vector512.FusedMultiplyAdd(a, a, s0);
                s1 = Vector512.FusedMultiplyAdd(b, b, s1);
            }

            s = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 2 * Vector256<double>.Count)
        {
            var m = Vector256.Create(mean);
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            for (; i <= n - 2 * Vector256<double>.Count; i += 2 * Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref p, (nuint)i) - m;
                var b = Vector256.LoadUnsafe(ref p, (nuint)(i + Vector256<double>.Count)) - m;
                s0 = Vector256.FusedMultiplyAdd(a, a, s0);
                s1 = Vector256.FusedMultiplyAdd(b, b, s1);
            }

            s = Vector256.Sum(s0 + s1);
        }
        else
        {
            return SumSquaredDeviationsScalar(x, mean);
        }

        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref p, i) - mean;
            s += d * d;
        }

        return s;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNonFinite<T>(ReadOnlySpan<T> values, int start, int length)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (var i = start; i < start + length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                throw new ArgumentException($"Value at index {i} is {values[i]}; observations must be finite.", nameof(values));
            }
        }

        throw new ArgumentException($"The values starting at index {start} are too large: their sum overflows a double.", nameof(values));
    }

    private static InvalidOperationException NoData(string statistic, int needed)
        => new($"{statistic} needs at least {needed} observation{(needed == 1 ? "" : "s")}; this summary has fewer.");

    /// <inheritdoc />
    public bool Equals(MetricSummary other)
        => Count == other.Count && _mean.Equals(other._mean) && _m2.Equals(other._m2) && _min.Equals(other._min) && _max.Equals(other._max);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MetricSummary other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Count, _mean, _m2, _min, _max);

    /// <summary>Compares two summaries for exact equality of all parts.</summary>
    /// <param name="left">One summary.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when all parts are equal.</returns>
    public static bool operator ==(MetricSummary left, MetricSummary right) => left.Equals(right);

    /// <summary>Compares two summaries for inequality of any part.</summary>
    /// <param name="left">One summary.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when any part differs.</returns>
    public static bool operator !=(MetricSummary left, MetricSummary right) => !left.Equals(right);

    /// <summary>Returns a short invariant-culture description.</summary>
    /// <returns>Count, mean and standard deviation.</returns>
    public override string ToString() => Count switch
    {
        0 => "n=0",
        1 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"n=1 mean={_mean:G6}"),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"n={Count} mean={_mean:G6} sd={StandardDeviation:G6} min={_min:G6} max={_max:G6}"),
    };
}
