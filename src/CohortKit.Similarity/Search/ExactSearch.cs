using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using CohortKit.Features;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Search;

/// <summary>
/// Exact top-k search: a blocked SIMD scan of every row (multi-threaded), keeping a bounded heap per worker; only
/// scores that beat the worker's current k-th best are looked at one by one (found with a SIMD compare).
/// </summary>
/// <remarks>Thread-safe. <see cref="SimilarityMetric.Cosine"/> is the true cosine whether or not the rows are normalised
/// (each row's norm comes from the same fused pass as its dot product; a zero row scores 0); an all-zero query has no
/// cosine and is rejected. A row holding NaN scores NaN and is never returned.</remarks>
public static class ExactSearch
{
    private const int BlockRows = 8192;

    /// <summary>Finds the k rows most similar to the query.</summary>
    /// <param name="matrix">The rows.</param>
    /// <param name="query">The query vector.</param>
    /// <param name="k">How many (1 ≤ k ≤ rows).</param>
    /// <param name="metric">The metric.</param>
    /// <param name="filter">Optional predicate on rows: only rows for which it returns true are returned.</param>
    /// <param name="maxDegreeOfParallelism">The largest number of threads (≥ 1); null (the default) for the processor count.</param>
    /// <returns>Up to k hits, best first (ties: lower row first).</returns>
    /// <exception cref="ArgumentException">The query's length differs from the rows' or it has a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is ≤ 0 or larger than the number of rows, or maxDegreeOfParallelism is less than 1.</exception>
    public static RowNeighbor[] TopK(FeatureMatrix matrix, ReadOnlySpan<float> query, int k, SimilarityMetric metric = SimilarityMetric.Cosine,
        Func<int, bool>? filter = null, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return TopK(matrix.AsSpan(), matrix.Dimensions, query, k, metric, filter, maxDegreeOfParallelism);
    }

    /// <summary>Finds the k rows most similar to the query in a row-major buffer.</summary>
    /// <param name="matrix">Rows × dimensions, row-major.</param>
    /// <param name="dimensions">The row length.</param>
    /// <param name="query">The query vector.</param>
    /// <param name="k">How many (1 ≤ k ≤ rows).</param>
    /// <param name="metric">The metric.</param>
    /// <param name="filter">Optional row predicate.</param>
    /// <param name="maxDegreeOfParallelism">The largest number of threads (≥ 1); null (the default) for the processor count.</param>
    /// <returns>Up to k hits, best first.</returns>
    public static RowNeighbor[] TopK(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, int k, SimilarityMetric metric = SimilarityMetric.Cosine,
        Func<int, bool>? filter = null, int? maxDegreeOfParallelism = null)
    {
        var rows = CheckArguments(matrix, dimensions, query, k);
        var workers = Workers(maxDegreeOfParallelism);
        var q = query.ToArray();
        if (metric == SimilarityMetric.Cosine && !VectorMath.NormalizeInPlace(q))
        {
            throw new ArgumentException("The query is all zeros: its cosine similarity to any row is undefined.", nameof(query));
        }

        TopKHeap merged;
        unsafe
        {
            fixed (float* pm = matrix)
            {
                var basePtr = (nint)pm;
                var length = matrix.Length;
                merged = ScanBlocks(rows, k, workers, (first, count, keys) =>
                {
                    var block = new ReadOnlySpan<float>((void*)basePtr, length).Slice(first * dimensions, count * dimensions);
                    if (metric == SimilarityMetric.Euclidean)
                    {
                        SimilarityKernels.SquaredDistances(q, block, dimensions, keys);
                        TensorPrimitives.Negate(keys, keys); // higher key is better
                    }
                    else if (metric == SimilarityMetric.Cosine)
                    {
                        SimilarityKernels.CosineRows(q, block, dimensions, keys);
                    }
                    else
                    {
                        SimilarityKernels.DotRows(q, block, dimensions, keys);
                    }
                }, filter);
            }
        }

        SimilarityTelemetry.Searches.Add(1);
        SimilarityTelemetry.VectorsScanned.Add(rows);
        return merged.Sorted().Select(x => new RowNeighbor(x.Row, metric == SimilarityMetric.Euclidean ? MathF.Sqrt(-x.Key) : x.Key)).ToArray();
    }

    /// <summary>Writes the keys (higher is better) of rows [firstRow, firstRow + count) into <paramref name="keys"/>.</summary>
    internal delegate void BlockScorer(int firstRow, int count, Span<float> keys);

    /// <summary>The thread count for a requested maximum: the processor count when none is given.</summary>
    /// <param name="maxDegreeOfParallelism">The requested maximum, or null.</param>
    /// <returns>At least 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The requested maximum is less than 1.</exception>
    internal static int Workers(int? maxDegreeOfParallelism)
    {
        if (maxDegreeOfParallelism is { } m)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(m, 1, nameof(maxDegreeOfParallelism));
            return m;
        }

        return Environment.ProcessorCount;
    }

    [ThreadStatic]
    private static float[]? t_scores;

    /// <summary>Scores blocks of rows into a thread's reusable buffer and keeps a bounded heap per worker (each worker
    /// streams one contiguous range of rows); returns the merged k best (key higher is better).</summary>
    internal static TopKHeap ScanBlocks(int rows, int k, int maxDegreeOfParallelism, BlockScorer score, Func<int, bool>? filter)
    {
        var blocks = (rows + BlockRows - 1) / BlockRows;
        var workers = Math.Max(1, Math.Min(maxDegreeOfParallelism, blocks));
        var heaps = new TopKHeap[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var heap = new TopKHeap(k);
            var scores = t_scores ??= new float[BlockRows];
            for (var b = w * blocks / workers; b < (w + 1) * blocks / workers; b++)
            {
                var first = b * BlockRows;
                var count = Math.Min(BlockRows, rows - first);
                var keys = scores.AsSpan(0, count);
                score(first, count, keys);
                Collect(keys, first, heap, filter);
            }

            heaps[w] = heap;
        });

        var merged = new TopKHeap(k);
        foreach (var h in heaps) { h.MergeInto(merged); }
        return merged;
    }

    /// <summary>Offers the block's keys that beat the heap's threshold (SIMD compare, then one by one).</summary>
    private static void Collect(ReadOnlySpan<float> keys, int firstRow, TopKHeap heap, Func<int, bool>? filter)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= keys.Length - 16; i += 16)
            {
                var v = Vector512.Create(keys.Slice(i, 16));
                var bits = Vector512.GreaterThanOrEqual(v, Vector512.Create(heap.Threshold)).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    var j = i + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    if (filter is null || filter(firstRow + j)) { heap.Offer(keys[j], firstRow + j); }
                }
            }
        }

        for (; i < keys.Length; i++)
        {
            if (keys[i] >= heap.Threshold && (filter is null || filter(firstRow + i))) { heap.Offer(keys[i], firstRow + i); }
        }
    }

    internal static int CheckArguments(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (query.Length != dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions; the rows have {dimensions}.", nameof(query));
        }

        foreach (var v in query)
        {
            if (!float.IsFinite(v)) { throw new ArgumentException("The query has a NaN or infinite value.", nameof(query)); }
        }

        if (matrix.Length % dimensions != 0)
        {
            throw new ArgumentException($"The matrix ({matrix.Length} values) does not hold whole rows of {dimensions}.", nameof(matrix));
        }

        var rows = matrix.Length / dimensions;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, rows);
        return rows;
    }
}
