using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Search;

/// <summary>
/// Exact top-k with a compressed first pass. The rows are also kept in bfloat16 (half the bytes); a query scans the
/// bfloat16 rows for the best m candidates, re-scores them exactly in float32, and <b>proves</b> the answer exact: every
/// row outside the candidates scores at most s_m + B exactly, where s_m is the m-th approximate score and
/// B (relative terms for bfloat16 rounding and float accumulation, absolute terms for subnormal values) bounds the error, so when the k-th exact score
/// exceeds s_m + B no other row can enter. Otherwise the query falls back to the full float32 scan (counted in
/// <see cref="Fallbacks"/>); when fallbacks become frequent the first pass is skipped for a while (counted in
/// <see cref="DirectScans"/>). The result always equals <see cref="ExactSearch.TopK(FeatureMatrix, ReadOnlySpan{float}, int, SimilarityMetric, Func{int, bool}?, int?)"/>.
/// </summary>
/// <remarks>Queries may run concurrently with each other; <see cref="Add"/> and <see cref="Remove"/> need exclusive access.
/// Dot and cosine only (for cosine the bfloat16 copy holds the unit rows; the float32 rows are kept as given). Memory: the
/// float32 rows plus half as much again. As an <see cref="ISimilarityIndex"/> it is keyed by learner; <see cref="TopK"/>
/// answers by row, the position of a learner in the index (the order of adding until a removal moves the last row into
/// the hole).</remarks>
public sealed class ExactSearchIndex : ISimilarityIndex
{
    private readonly RowStore _store;
    private ushort[] _bf16 = [];
    private float _maxNorm;
    private const int ProbeWindow = 8;
    private const int FirstSkip = 64;
    private const int MaxSkip = 1 << 16;
    private readonly Lock _gate = new();
    private long _fallbacks;
    private long _directScans;
    private long _queries;
    private long _skipUntil;
    private int _skipLength = FirstSkip;
    private int _windowQueries;
    private int _windowFallbacks;

    /// <summary>Builds the index (copies the rows); row r is learner r.</summary>
    /// <param name="matrix">The rows.</param>
    /// <param name="metric">Cosine (rows need not be normalised) or dot.</param>
    /// <param name="candidates">How many approximate candidates are re-scored per query (≥ k; more makes fallbacks rarer).</param>
    /// <param name="maxDegreeOfParallelism">The largest number of threads a query uses (≥ 1); null (the default) for the processor count.</param>
    /// <exception cref="ArgumentException">A value is NaN or infinite, or the metric is Euclidean.</exception>
    /// <exception cref="ArgumentOutOfRangeException">candidates or maxDegreeOfParallelism is less than 1.</exception>
    public ExactSearchIndex(FeatureMatrix matrix, SimilarityMetric metric = SimilarityMetric.Cosine, int candidates = 128, int? maxDegreeOfParallelism = null)
        : this(matrix, RowIds(matrix), metric, candidates, maxDegreeOfParallelism)
    {
    }

    /// <summary>Builds the index (copies the rows) with each row's learner.</summary>
    /// <param name="matrix">The rows.</param>
    /// <param name="ids">The learner of each row, distinct.</param>
    /// <param name="metric">Cosine (rows need not be normalised) or dot.</param>
    /// <param name="candidates">How many approximate candidates are re-scored per query (≥ k; more makes fallbacks rarer).</param>
    /// <param name="maxDegreeOfParallelism">The largest number of threads a query uses (≥ 1); null (the default) for the processor count.</param>
    /// <exception cref="ArgumentException">A value is NaN or infinite, the metric is Euclidean, the lengths differ or an id repeats.</exception>
    /// <exception cref="ArgumentOutOfRangeException">candidates or maxDegreeOfParallelism is less than 1.</exception>
    public ExactSearchIndex(FeatureMatrix matrix, IReadOnlyList<LearnerId> ids, SimilarityMetric metric = SimilarityMetric.Cosine, int candidates = 128, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(ids);
        if (metric == SimilarityMetric.Euclidean)
        {
            throw new ArgumentException("ExactSearchIndex supports cosine and dot; use FlatIndex or ExactSearch.TopK for Euclidean.", nameof(metric));
        }

        if (ids.Count != matrix.Rows)
        {
            throw new ArgumentException($"There are {ids.Count} ids for {matrix.Rows} rows.", nameof(ids));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        MaxDegreeOfParallelism = ExactSearch.Workers(maxDegreeOfParallelism);
        Metric = metric;
        Candidates = candidates;
        _store = new RowStore(matrix.Dimensions);
        for (var r = 0; r < matrix.Rows; r++)
        {
            var row = matrix.Row(r);
            foreach (var v in row)
            {
                if (!float.IsFinite(v)) { throw new ArgumentException($"Row {r} has a NaN or infinite feature.", nameof(matrix)); }
            }

            if (_store.Contains(ids[r])) { throw new ArgumentException($"Learner {ids[r].Value} is indexed twice.", nameof(ids)); }
            Set(ids[r], row);
        }
    }

    /// <summary>Gets the metric.</summary>
    public SimilarityMetric Metric { get; }

    /// <inheritdoc />
    public int Count => _store.Count;

    /// <inheritdoc />
    public int Dimensions => _store.Dimensions;

    /// <summary>Gets how many candidates are re-scored per query.</summary>
    public int Candidates { get; }

    /// <summary>Gets the largest number of threads a query uses.</summary>
    public int MaxDegreeOfParallelism { get; }

    /// <summary>Gets how many queries could not be proven from the candidates and scanned the float32 rows instead.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Gets how many queries skipped the first pass because recent first passes kept falling back.</summary>
    public long DirectScans => Interlocked.Read(ref _directScans);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The vector's length is wrong or it has a non-finite value.</exception>
    public void Add(LearnerId id, ReadOnlySpan<float> vector)
    {
        FlatIndex.CheckFinite(vector);
        Set(id, vector);
    }

    /// <inheritdoc />
    public bool Remove(LearnerId id)
    {
        var last = _store.Count - 1;
        if (!_store.Remove(id, out var row))
        {
            return false;
        }

        // The max norm stays: an upper bound on the remaining rows' norms keeps the certificate valid.
        var dims = _store.Dimensions;
        if (row != last) { _bf16.AsSpan(last * dims, dims).CopyTo(_bf16.AsSpan(row * dims, dims)); }
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The query's length is wrong, it is not finite, or (cosine) it is all zeros.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is not positive or exceeds the number of learners indexed.</exception>
    public IReadOnlyList<Neighbor> Search(ReadOnlySpan<float> query, int k, Func<LearnerId, bool>? filter = null)
    {
        var store = _store;
        return FlatIndex.ToNeighbors(TopK(query, k, filter is null ? null : r => filter(store.Id(r))), store);
    }

    /// <inheritdoc />
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        RowStore.WriteHeader(w, "CKEXS"u8, Metric);
        w.Write(Candidates);
        _store.Write(w);
    }

    /// <summary>Reads an index written by <see cref="Save"/>.</summary>
    /// <param name="stream">The source.</param>
    /// <param name="maxDegreeOfParallelism">The largest number of threads a query uses (≥ 1); null for the processor count.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">The stream is not a CohortKit exact index, has an unknown version or metric, or
    /// impossible sizes.</exception>
    public static ExactSearchIndex Load(Stream stream, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var metric = RowStore.ReadHeader(r, "CKEXS"u8, "exact index");
        var candidates = r.ReadInt32();
        if (metric == SimilarityMetric.Euclidean || candidates < 1)
        {
            throw new InvalidDataException($"The index stores metric {metric} and {candidates} candidates; it needs cosine or dot and at least 1.");
        }

        var ids = new List<LearnerId>();
        var values = new List<float>();
        RowStore.Read(r, (id, v) => { ids.Add(id); values.AddRange(v); }, out var dims);
        return new ExactSearchIndex(new FeatureMatrix(values.ToArray(), ids.Count, Math.Max(dims, 1)), ids, metric, candidates, maxDegreeOfParallelism);
    }

    /// <summary>Finds the k rows most similar to the query, exactly.</summary>
    /// <param name="query">The query (length = dimensions, finite).</param>
    /// <param name="k">How many (1 ≤ k ≤ rows).</param>
    /// <param name="filter">Optional row predicate.</param>
    /// <returns>Up to k hits, best first (ties: lower row first), with exact float32 scores.</returns>
    /// <exception cref="ArgumentException">The query's length is wrong, it is not finite, or (cosine) it is all zeros.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is out of range.</exception>
    public RowNeighbor[] TopK(ReadOnlySpan<float> query, int k, Func<int, bool>? filter = null)
    {
        var dims = _store.Dimensions;
        var data = _store.Data;
        var rows = ExactSearch.CheckArguments(data, dims, query, k);
        var q = query.ToArray();
        if (Metric == SimilarityMetric.Cosine && !VectorMath.NormalizeInPlace(q))
        {
            throw new ArgumentException("The query is all zeros: its cosine similarity to any row is undefined.", nameof(query));
        }

        var ticket = Interlocked.Increment(ref _queries);
        if (ticket <= Volatile.Read(ref _skipUntil))
        {
            // The first pass has been failing (e.g. tightly clustered rows): scan the float32 rows directly.
            Interlocked.Increment(ref _directScans);
            return ExactSearch.TopK(data, dims, query, k, Metric, filter, MaxDegreeOfParallelism);
        }

        var m = Math.Max(k, Candidates);
        var bf16 = _bf16;
        var merged = ExactSearch.ScanBlocks(rows, m, MaxDegreeOfParallelism,
            (first, count, keys) => DotRowsBFloat16(q, bf16.AsSpan(first * dims, count * dims), dims, keys), filter);
        var candidates = merged.Sorted();

        // Re-score exactly (the kernel of the full scan, so scores agree bit for bit) and check the certificate.
        var exact = new TopKHeap(k);
        Span<float> one = stackalloc float[1];
        foreach (var (_, row) in candidates)
        {
            if (Metric == SimilarityMetric.Cosine) { SimilarityKernels.CosineRows(q, _store.Row(row), dims, one); }
            else { SimilarityKernels.DotRows(q, _store.Row(row), dims, one); }
            exact.Offer(one[0], row);
        }

        var result = exact.Sorted();
        var proven = candidates.Length < m || (result.Length == k && result[k - 1].Key > candidates[^1].Key + Bound(q, dims));
        SimilarityTelemetry.Searches.Add(1);
        SimilarityTelemetry.VectorsScanned.Add(rows);
        RecordFirstPass(ticket, fellBack: !proven);
        if (proven)
        {
            return result.Select(x => new RowNeighbor(x.Row, x.Key)).ToArray();
        }

        Interlocked.Increment(ref _fallbacks);
        return ExactSearch.TopK(data, dims, query, k, Metric, filter, MaxDegreeOfParallelism);
    }

    private static LearnerId[] RowIds(FeatureMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var ids = new LearnerId[matrix.Rows];
        for (var r = 0; r < ids.Length; r++) { ids[r] = new LearnerId(r); }
        return ids;
    }

    /// <summary>Stores a learner's float32 row and its bfloat16 copy (the unit row for cosine, so that the first pass
    /// approximates the same score), and raises the largest norm the certificate uses.</summary>
    private void Set(LearnerId id, ReadOnlySpan<float> vector)
    {
        var row = _store.Set(id, vector);
        var dims = _store.Dimensions;
        if (_bf16.Length < (row + 1) * dims) { Array.Resize(ref _bf16, Math.Max(16, 2 * (row + 1)) * dims); }
        var buffer = dims <= 256 ? stackalloc float[dims] : new float[dims];
        vector.CopyTo(buffer);
        if (Metric == SimilarityMetric.Cosine) { VectorMath.NormalizeInPlace(buffer); }
        for (var j = 0; j < dims; j++) { _bf16[row * dims + j] = ToBFloat16(buffer[j]); }
        _maxNorm = Math.Max(_maxNorm, TensorPrimitives.Norm((ReadOnlySpan<float>)buffer));
    }

    /// <summary>The largest gap between an approximate and an exact score, in double: relative terms for bfloat16 rounding
    /// (≤ 2⁻⁸ per normal element), two float32 accumulations of d products and the cosine's division by a row norm within
    /// d·2⁻²³ of 1; absolute terms for subnormal elements (bfloat16 keeps them to 2⁻¹³⁴, so ≤ ‖q‖₁·2⁻¹³⁴) and for products
    /// that underflow in float32 (≤ 2⁻¹⁵⁰ each, 2·d of them).</summary>
    private double Bound(ReadOnlySpan<float> q, int dims)
    {
        double norm = 0, l1 = 0;
        foreach (var v in q) { norm += (double)v * v; l1 += Math.Abs(v); }
        var relative = 1.0 / 256 + 2 * dims * Math.Pow(2, -24) + 2 * dims * Math.Pow(2, -23);
        return Math.Sqrt(norm) * _maxNorm * relative + l1 * Math.Pow(2, -134) + 2 * dims * Math.Pow(2, -150);
    }

    /// <summary>Counts first-pass failures in windows of <see cref="ProbeWindow"/> queries; when at least a quarter of a
    /// window fell back, the next queries skip the first pass (64 at first, doubling while the failures persist), so that
    /// on data where the certificate rarely holds the index costs about what <see cref="ExactSearch"/> does.</summary>
    private void RecordFirstPass(long ticket, bool fellBack)
    {
        lock (_gate)
        {
            _windowQueries++;
            if (fellBack) { _windowFallbacks++; }
            if (_windowQueries < ProbeWindow) { return; }
            if (_windowFallbacks * 4 >= ProbeWindow)
            {
                Volatile.Write(ref _skipUntil, ticket + _skipLength);
                _skipLength = Math.Min(2 * _skipLength, MaxSkip);
            }
            else
            {
                _skipLength = FirstSkip;
            }

            _windowQueries = 0;
            _windowFallbacks = 0;
        }
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

        else if (Vector256.IsHardwareAccelerated && dims % 16 == 0)
        {
            // AVX2 machines: eight bfloat16 values widen to eight floats per half-load.
            for (; r < count; r++)
            {
                ref var row = ref Unsafe.Add(ref m, r * dims);
                Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero;
                for (var j = 0; j < dims; j += 16)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref row, (nuint)j));
                    a = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(lo, 16).AsSingle(), Vector256.LoadUnsafe(ref q, (nuint)j), a);
                    b = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(hi, 16).AsSingle(), Vector256.LoadUnsafe(ref q, (nuint)(j + 8)), b);
                }

                destination[r] = Vector256.Sum(a + b);
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
