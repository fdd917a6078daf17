using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CohortKit.Features;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Search;

/// <summary>
/// Exact top-k with a compressed first pass. The rows are also kept in bfloat16 (half the bytes); a query scans the
/// bfloat16 rows for the best m candidates, re-scores them exactly in float32, and <b>proves</b> the answer exact: every
/// row outside the candidates scores at most s_m + B exactly, where s_m is the m-th approximate score and
/// B = ‖q‖·max‖x‖·(2⁻⁸ + 2·d·2⁻²⁴) bounds the bfloat16 rounding and float accumulation error, so when the k-th exact score
/// exceeds s_m + B no other row can enter. Otherwise the query falls back to the full float32 scan (counted in
/// <see cref="Fallbacks"/>). The result always equals <see cref="ExactSearch.TopK(FeatureMatrix, ReadOnlySpan{float}, int, SimilarityMetric, Func{int, bool}?, int)"/>.
/// </summary>
/// <remarks>Queries may run concurrently. Dot and cosine only (cosine rows are L2-normalised on construction). Memory:
/// the float32 rows plus half as much again.</remarks>
public sealed class ExactSearchIndex
{
    private readonly FeatureMatrix _rows;
    private readonly ushort[] _bf16;
    private readonly float _maxNorm;
    private long _fallbacks;

    /// <summary>Builds the index (copies the rows).</summary>
    /// <param name="matrix">The rows.</param>
    /// <param name="metric">Cosine (rows normalised) or dot.</param>
    /// <param name="candidates">How many approximate candidates are re-scored per query (≥ k; more makes fallbacks rarer).</param>
    /// <exception cref="ArgumentException">A value is NaN or infinite, or the metric is Euclidean.</exception>
    public ExactSearchIndex(FeatureMatrix matrix, SimilarityMetric metric = SimilarityMetric.Cosine, int candidates = 128)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (metric == SimilarityMetric.Euclidean)
        {
            throw new ArgumentException("ExactSearchIndex supports cosine and dot; use ExactSearch.TopK for Euclidean.", nameof(metric));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        Metric = metric;
        Candidates = candidates;
        _rows = new FeatureMatrix(matrix.AsSpan().ToArray(), matrix.Rows, matrix.Dimensions, matrix.FeatureNames);
        if (metric == SimilarityMetric.Cosine)
        {
            _rows.NormalizeRows();
        }

        var data = _rows.AsSpan();
        _bf16 = new ushort[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i])) { throw new ArgumentException($"Row {i / matrix.Dimensions} has a NaN or infinite feature.", nameof(matrix)); }
            _bf16[i] = ToBFloat16(data[i]);
        }

        for (var r = 0; r < _rows.Rows; r++) { _maxNorm = Math.Max(_maxNorm, TensorPrimitives.Norm((ReadOnlySpan<float>)_rows.Row(r))); }
    }

    /// <summary>Gets the metric.</summary>
    public SimilarityMetric Metric { get; }

    /// <summary>Gets how many candidates are re-scored per query.</summary>
    public int Candidates { get; }

    /// <summary>Gets how many queries could not be proven from the candidates and scanned the float32 rows instead.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Finds the k rows most similar to the query, exactly.</summary>
    /// <param name="query">The query (length = dimensions, finite).</param>
    /// <param name="k">How many (1 ≤ k ≤ rows).</param>
    /// <param name="filter">Optional row predicate.</param>
    /// <returns>Up to k hits, best first (ties: lower row first), with exact float32 scores.</returns>
    /// <exception cref="ArgumentException">The query's length is wrong or it is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is out of range.</exception>
    public RowNeighbor[] TopK(ReadOnlySpan<float> query, int k, Func<int, bool>? filter = null)
    {
        var dims = _rows.Dimensions;
        var rows = ExactSearch.CheckArguments(_rows.AsSpan(), dims, query, k);
        var q = query.ToArray();
        if (Metric == SimilarityMetric.Cosine) { VectorMath.NormalizeInPlace(q); }
        var m = Math.Max(k, Candidates);
        var merged = ExactSearch.ScanBlocks(rows, m, -1,
            (first, count, keys) => DotRowsBFloat16(q, _bf16.AsSpan(first * dims, count * dims), dims, keys), filter);
        var candidates = merged.Sorted();

        // Re-score exactly and check the certificate.
        var exact = new TopKHeap(k);
        Span<float> one = stackalloc float[1];
        foreach (var (_, row) in candidates)
        {
            SimilarityKernels.DotRows(q, _rows.Row(row), dims, one); // the same kernel as the full scan, so scores agree bit for bit
            exact.Offer(one[0], row);
        }

        var result = exact.Sorted();
        // bfloat16 rounding (≤ 2⁻⁸ relative per element) plus two float32 accumulations of `dims` products.
        var bound = TensorPrimitives.Norm(q) * _maxNorm * (1f / 256 + 2 * dims * MathF.Pow(2, -24));
        var proven = candidates.Length < m || (result.Length == k && result[k - 1].Key > candidates[^1].Key + bound);
        SimilarityTelemetry.Searches.Add(1);
        SimilarityTelemetry.VectorsScanned.Add(rows);
        if (proven)
        {
            return result.Select(x => new RowNeighbor(x.Row, x.Key)).ToArray();
        }

        Interlocked.Increment(ref _fallbacks);
        return ExactSearch.TopK(_rows, q, k, SimilarityMetric.Dot, filter);
    }

    /// <summary>Rounds a float to bfloat16 (round to nearest, ties to even).</summary>
    internal static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>destination[r] = Σⱼ bf16(row r)[j] · query[j]: bfloat16 widened to float32 by a 16-bit shift, then FMA.</summary>
    internal static void DotRowsBFloat16(ReadOnlySpan<float> query, ReadOnlySpan<ushort> rows, int dims, Span<float> destination)
    {
        var count = rows.Length / dims;
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var m = ref MemoryMarshal.GetReference(rows);
        var r = 0;
        if (Vector512.IsHardwareAccelerated && dims % 32 == 0)
        {
            // Two rows per step: independent accumulators keep both FMA pipes busy while memory streams in.
            for (; r + 1 < count; r += 2)
            {
                ref var row0 = ref Unsafe.Add(ref m, r * dims);
                ref var row1 = ref Unsafe.Add(ref m, (r + 1) * dims);
                Vector512<float> a0 = Vector512<float>.Zero, a1 = Vector512<float>.Zero, b0 = Vector512<float>.Zero, b1 = Vector512<float>.Zero;
                for (var j = 0; j < dims; j += 32)
                {
                    var q0 = Vector512.LoadUnsafe(ref q, (nuint)j);
                    var q1 = Vector512.LoadUnsafe(ref q, (nuint)(j + 16));
                    var (l0, h0) = Vector512.Widen(Vector512.LoadUnsafe(ref row0, (nuint)j));
                    var (l1, h1) = Vector512.Widen(Vector512.LoadUnsafe(ref row1, (nuint)j));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(l0, 16).AsSingle(), q0, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(l1, 16).AsSingle(), q0, a1);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(h0, 16).AsSingle(), q1, b0);
                    b1 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(h1, 16).AsSingle(), q1, b1);
                }

                destination[r] = Vector512.Sum(a0 + b0);
                destination[r + 1] = Vector512.Sum(a1 + b1);
            }
        }

        var full = Vector512.IsHardwareAccelerated ? dims & ~31 : 0;
        for (; r < count; r++)
        {
            ref var row = ref Unsafe.Add(ref m, r * dims);
            var acc = Vector512<float>.Zero;
            for (var j = 0; j < full; j += 32)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref row, (nuint)j));
                acc = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(lo, 16).AsSingle(), Vector512.LoadUnsafe(ref q, (nuint)j), acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(hi, 16).AsSingle(), Vector512.LoadUnsafe(ref q, (nuint)(j + 16)), acc);
            }

            var s = full > 0 ? Vector512.Sum(acc) : 0f;
            for (var j = full; j < dims; j++)
            {
                s += BitConverter.UInt32BitsToSingle((uint)Unsafe.Add(ref row, j) << 16) * Unsafe.Add(ref q, j);
            }

            destination[r] = s;
        }
    }
}
