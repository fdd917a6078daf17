using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CohortKit.Similarity.Kernels;

/// <summary>
/// Similarity kernels over spans, in the shape of TensorPrimitives: spans in, a destination span out, no allocation.
/// Pairwise scores call TensorPrimitives; the one-query-against-many-rows scan is a fused SIMD loop (AVX-512, AVX2 or scalar).
/// </summary>
/// <remarks>Thread-safe (pure functions). NaN inputs propagate into scores; indexes reject non-finite features on insert.</remarks>
public static class SimilarityKernels
{
    /// <summary>Squared norms in this range leave the float32 pass accurate; outside it (values near 1e±19 and beyond, where
    /// squares overflow or underflow) the pair is recomputed in double.</summary>
    private const float SafeLow = 1e-30f;
    private const float SafeHigh = 1e30f;

    /// <summary>Cosine similarity a·b / (‖a‖‖b‖) in one fused SIMD pass, clamped to [−1, 1]; 0 when either vector is zero
    /// (documented instead of NaN). Never NaN for finite input: when the float32 squares could overflow or underflow
    /// (magnitudes beyond about 1e±19) the pair is recomputed in double.</summary>
    /// <param name="a">One vector.</param>
    /// <param name="b">The other, same length.</param>
    /// <returns>The cosine in [−1, 1].</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        var (dot, na, nb) = DotAndNorms(a, b);
        if (na is >= SafeLow and <= SafeHigh && nb is >= SafeLow and <= SafeHigh && float.IsFinite(dot))
        {
            return Math.Clamp(dot / (MathF.Sqrt(na) * MathF.Sqrt(nb)), -1f, 1f);
        }

        return CosineInDouble(a, b);
    }

    /// <summary>Cosine accumulated in double: every finite float's square fits, so neither overflow nor underflow occurs.</summary>
    private static float CosineInDouble(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : (float)Math.Clamp(dot / (Math.Sqrt(na) * Math.Sqrt(nb)), -1, 1);
    }

    /// <summary>destination[r] = cosine(unit query, row r) = q·row / ‖row‖, with the row norm from the same fused pass (so rows
    /// need not be normalised); 0 for a zero row; rows whose squares could overflow or underflow are recomputed in double.</summary>
    internal static void CosineRows(ReadOnlySpan<float> unitQuery, ReadOnlySpan<float> matrix, int dims, Span<float> destination)
    {
        var rows = matrix.Length / dims;
        ref var q = ref MemoryMarshal.GetReference(unitQuery);
        ref var m = ref MemoryMarshal.GetReference(matrix);
        var wide = Vector512.IsHardwareAccelerated;
        var full = wide ? dims & ~15 : Vector256.IsHardwareAccelerated ? dims & ~7 : 0;
        for (var r = 0; r < rows; r++)
        {
            ref var row = ref Unsafe.Add(ref m, r * dims);
            float dot = 0f, nn = 0f;
            if (wide)
            {
                Vector512<float> d = Vector512<float>.Zero, n = Vector512<float>.Zero;
                for (var j = 0; j < full; j += 16)
                {
                    var v = Vector512.LoadUnsafe(ref row, (nuint)j);
                    d = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref q, (nuint)j), d);
                    n = Vector512.FusedMultiplyAdd(v, v, n);
                }

                (dot, nn) = (Vector512.Sum(d), Vector512.Sum(n));
            }
            else if (full > 0)
            {
                Vector256<float> d = Vector256<float>.Zero, n = Vector256<float>.Zero;
                for (var j = 0; j < full; j += 8)
                {
                    var v = Vector256.LoadUnsafe(ref row, (nuint)j);
                    d = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref q, (nuint)j), d);
                    n = Vector256.FusedMultiplyAdd(v, v, n);
                }

                (dot, nn) = (Vector256.Sum(d), Vector256.Sum(n));
            }

            for (var j = full; j < dims; j++)
            {
                var v = Unsafe.Add(ref row, j);
                dot += v * Unsafe.Add(ref q, j);
                nn += v * v;
            }

            destination[r] = nn is >= SafeLow and <= SafeHigh && float.IsFinite(dot)
                ? Math.Clamp(dot / MathF.Sqrt(nn), -1f, 1f)
                : CosineInDouble(unitQuery, matrix.Slice(r * dims, dims));
        }
    }

    /// <summary>a·b, ‖a‖² and ‖b‖² in one fused SIMD pass (TensorPrimitives.CosineSimilarity measured about 3× slower than a
    /// scalar loop at 64 dimensions here; see docs/benchmarks.md).</summary>
    internal static (float Dot, float NormA, float NormB) DotAndNorms(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var n = a.Length;
        var i = 0;
        float dot = 0, na = 0, nb = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> d = Vector512<float>.Zero, x = Vector512<float>.Zero, y = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var va = Vector512.LoadUnsafe(ref pa, (nuint)i);
                var vb = Vector512.LoadUnsafe(ref pb, (nuint)i);
                d = Vector512.FusedMultiplyAdd(va, vb, d);
                x = Vector512.FusedMultiplyAdd(va, va, x);
                y = Vector512.FusedMultiplyAdd(vb, vb, y);
            }

            (dot, na, nb) = (Vector512.Sum(d), Vector512.Sum(x), Vector512.Sum(y));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> d = Vector256<float>.Zero, x = Vector256<float>.Zero, y = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var va = Vector256.LoadUnsafe(ref pa, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref pb, (nuint)i);
                d = Vector256.FusedMultiplyAdd(va, vb, d);
                x = Vector256.FusedMultiplyAdd(va, va, x);
                y = Vector256.FusedMultiplyAdd(vb, vb, y);
            }

            (dot, na, nb) = (Vector256.Sum(d), Vector256.Sum(x), Vector256.Sum(y));
        }

        for (; i < n; i++)
        {
            float va = Unsafe.Add(ref pa, i), vb = Unsafe.Add(ref pb, i);
            dot += va * vb;
            na += va * va;
            nb += vb * vb;
        }

        return (dot, na, nb);
    }

    /// <summary>The dot product a·b.</summary>
    /// <param name="a">One vector.</param>
    /// <param name="b">The other, same length.</param>
    /// <returns>The dot product.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return TensorPrimitives.Dot(a, b);
    }

    /// <summary>The Euclidean distance ‖a − b‖.</summary>
    /// <param name="a">One vector.</param>
    /// <param name="b">The other, same length.</param>
    /// <returns>The distance (≥ 0).</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static float Euclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return a.IsEmpty ? 0 : TensorPrimitives.Distance(a, b);
    }

    /// <summary>Scores a pair under a metric.</summary>
    /// <param name="a">One vector.</param>
    /// <param name="b">The other.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The score (for <see cref="SimilarityMetric.Euclidean"/>, a distance).</returns>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimilarityMetric metric) => metric switch
    {
        SimilarityMetric.Cosine => Cosine(a, b),
        SimilarityMetric.Dot => Dot(a, b),
        SimilarityMetric.Euclidean => Euclidean(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>Jaccard similarity |A ∩ B| / |A ∪ B| of two sets given as sorted, distinct ids (e.g. courses or skills).</summary>
    /// <param name="a">Sorted ascending, no duplicates.</param>
    /// <param name="b">Sorted ascending, no duplicates.</param>
    /// <returns>The similarity in [0, 1]; 0 when both sets are empty.</returns>
    /// <exception cref="ArgumentException">A set is not strictly ascending.</exception>
    public static double Jaccard(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        CheckSorted(a, nameof(a));
        CheckSorted(b, nameof(b));
        int i = 0, j = 0, both = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) { both++; i++; j++; }
            else if (a[i] < b[j]) { i++; }
            else { j++; }
        }

        var union = a.Length + b.Length - both;
        return union == 0 ? 0 : (double)both / union;
    }

    /// <summary>Scores one query against every row of a row-major matrix: destination[r] = score(query, row r).</summary>
    /// <param name="query">The query (length = dimensions).</param>
    /// <param name="matrix">Rows × dimensions, row-major.</param>
    /// <param name="dimensions">The row length.</param>
    /// <param name="destination">One score per row.</param>
    /// <param name="metric">Dot, cosine (true cosine: rows need not be normalised; a zero row or query scores 0) or Euclidean (distance).</param>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public static void ScoreMany(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, int dimensions, Span<float> destination, SimilarityMetric metric = SimilarityMetric.Dot)
    {
        if (dimensions < 1 || query.Length != dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} values; the rows have {dimensions}.", nameof(query));
        }

        if (matrix.Length % dimensions != 0 || destination.Length < matrix.Length / dimensions)
        {
            throw new ArgumentException($"The matrix ({matrix.Length} values) must hold whole rows of {dimensions} and the destination one score per row.", nameof(destination));
        }

        if (metric == SimilarityMetric.Euclidean)
        {
            SquaredDistances(query, matrix, dimensions, destination);
            TensorPrimitives.Sqrt(destination[..(matrix.Length / dimensions)], destination);
        }
        else if (metric == SimilarityMetric.Cosine)
        {
            var unit = query.ToArray();
            if (!VectorMath.NormalizeInPlace(unit)) { destination[..(matrix.Length / dimensions)].Clear(); return; }
            CosineRows(unit, matrix, dimensions, destination);
        }
        else
        {
            DotRows(query, matrix, dimensions, destination);
        }
    }

    /// <summary>All pairwise scores within a group of rows, blocked so that a tile of rows stays in cache:
    /// destination[i·n + j] = score(row i, row j).</summary>
    /// <param name="matrix">n rows × dimensions, row-major (for cosine, rows are normalised here on a copy).</param>
    /// <param name="dimensions">The row length.</param>
    /// <param name="destination">n × n scores, row-major.</param>
    /// <param name="metric">The metric (for Euclidean, distances).</param>
    /// <exception cref="ArgumentException">The shapes disagree.</exception>
    public static void AllPairs(ReadOnlySpan<float> matrix, int dimensions, Span<float> destination, SimilarityMetric metric = SimilarityMetric.Cosine)
    {
        if (dimensions < 1 || matrix.Length % dimensions != 0)
        {
            throw new ArgumentException($"The matrix ({matrix.Length} values) must hold whole rows of {dimensions}.", nameof(matrix));
        }

        var n = matrix.Length / dimensions;
        if (destination.Length < n * n)
        {
            throw new ArgumentException($"destination has {destination.Length} slots; {n} rows need {n * n}.", nameof(destination));
        }

        var rows = matrix.ToArray();
        if (metric == SimilarityMetric.Cosine)
        {
            for (var r = 0; r < n; r++) { VectorMath.NormalizeInPlace(rows.AsSpan(r * dimensions, dimensions)); }
        }

        const int Tile = 64;
        for (var jb = 0; jb < n; jb += Tile)
        {
            var jc = Math.Min(Tile, n - jb);
            var tile = rows.AsSpan(jb * dimensions, jc * dimensions);
            for (var i = 0; i < n; i++)
            {
                var target = destination.Slice(i * n + jb, jc);
                if (metric == SimilarityMetric.Euclidean)
                {
                    SquaredDistances(rows.AsSpan(i * dimensions, dimensions), tile, dimensions, target);
                    TensorPrimitives.Sqrt(target, target);
                }
                else
                {
                    DotRows(rows.AsSpan(i * dimensions, dimensions), tile, dimensions, target);
                }
            }
        }
    }

    /// <summary>destination[r] = Σⱼ matrix[r, j] · query[j] (fused SIMD scan).</summary>
    internal static void DotRows(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, int dims, Span<float> destination)
    {
        var rows = matrix.Length / dims;
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var m = ref MemoryMarshal.GetReference(matrix);
        if (Vector512.IsHardwareAccelerated && dims >= 16)
        {
            var full = dims & ~15;
            for (var r = 0; r < rows; r++)
            {
                ref var row = ref Unsafe.Add(ref m, r * dims);
                var acc = Vector512<float>.Zero;
                for (var j = 0; j < full; j += 16)
                {
                    acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)j), Vector512.LoadUnsafe(ref q, (nuint)j), acc);
                }

                var s = Vector512.Sum(acc);
                for (var j = full; j < dims; j++) { s += Unsafe.Add(ref row, j) * Unsafe.Add(ref q, j); }
                destination[r] = s;
            }
        }
        else if (Vector256.IsHardwareAccelerated && dims >= 8)
        {
            var full = dims & ~7;
            for (var r = 0; r < rows; r++)
            {
                ref var row = ref Unsafe.Add(ref m, r * dims);
                var acc = Vector256<float>.Zero;
                for (var j = 0; j < full; j += 8)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)j), Vector256.LoadUnsafe(ref q, (nuint)j), acc);
                }

                var s = Vector256.Sum(acc);
                for (var j = full; j < dims; j++) { s += Unsafe.Add(ref row, j) * Unsafe.Add(ref q, j); }
                destination[r] = s;
            }
        }
        else
        {
            DotRowsScalar(query, matrix, dims, destination);
        }
    }

    internal static void DotRowsScalar(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, int dims, Span<float> destination)
    {
        var rows = matrix.Length / dims;
        for (var r = 0; r < rows; r++)
        {
            var row = matrix.Slice(r * dims, dims);
            float s = 0;
            for (var j = 0; j < dims; j++) { s += row[j] * query[j]; }
            destination[r] = s;
        }
    }

    /// <summary>destination[r] = ‖row r − query‖².</summary>
    internal static void SquaredDistances(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, int dims, Span<float> destination)
    {
        var rows = matrix.Length / dims;
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var m = ref MemoryMarshal.GetReference(matrix);
        var wide = Vector512.IsHardwareAccelerated && dims >= 16;
        var full = wide ? dims & ~15 : Vector256.IsHardwareAccelerated && dims >= 8 ? dims & ~7 : 0;
        for (var r = 0; r < rows; r++)
        {
            ref var row = ref Unsafe.Add(ref m, r * dims);
            var s = 0f;
            if (wide)
            {
                var acc = Vector512<float>.Zero;
                for (var j = 0; j < full; j += 16)
                {
                    var d = Vector512.LoadUnsafe(ref row, (nuint)j) - Vector512.LoadUnsafe(ref q, (nuint)j);
                    acc = Vector512.FusedMultiplyAdd(d, d, acc);
                }

                s = Vector512.Sum(acc);
            }
            else if (full > 0)
            {
                // AVX2 machines (no AVX-512): the same scan eight lanes at a time.
                var acc = Vector256<float>.Zero;
                for (var j = 0; j < full; j += 8)
                {
                    var d = Vector256.LoadUnsafe(ref row, (nuint)j) - Vector256.LoadUnsafe(ref q, (nuint)j);
                    acc = Vector256.FusedMultiplyAdd(d, d, acc);
                }

                s = Vector256.Sum(acc);
            }

            for (var j = full; j < dims; j++)
            {
                var d = Unsafe.Add(ref row, j) - Unsafe.Add(ref q, j);
                s += d * d;
            }

            destination[r] = s;
        }
    }

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"The vectors have {a.Length} and {b.Length} dimensions; they must match.", nameof(b));
        }
    }

    private static void CheckSorted(ReadOnlySpan<int> set, string name)
    {
        for (var i = 1; i < set.Length; i++)
        {
            if (set[i] <= set[i - 1])
            {
                throw new ArgumentException($"{name} must be strictly ascending (sorted, no duplicates); position {i} breaks the order.", name);
            }
        }
    }
}
