using System.Numerics.Tensors;
using CohortKit.Randomness;

namespace CohortKit.Similarity.Kernels;

/// <summary>The two Lloyd steps shared by the IVF quantiser and cohort formation. Vectors are rows of a flat buffer
/// selected by index; "nearest" means the highest key: the dot product, or the negative squared distance for Euclidean.</summary>
internal static class KMeans
{
    /// <summary>Higher-is-better keys of one vector against every row of a matrix.</summary>
    public static void Keys(SimilarityMetric metric, ReadOnlySpan<float> v, ReadOnlySpan<float> rows, int dims, Span<float> keys)
    {
        if (metric == SimilarityMetric.Euclidean)
        {
            SimilarityKernels.SquaredDistances(v, rows, dims, keys);
            TensorPrimitives.Negate(keys[..(rows.Length / dims)], keys);
        }
        else
        {
            SimilarityKernels.DotRows(v, rows, dims, keys);
        }
    }

    /// <summary>assign[i] = the centroid nearest to row rows[i] (on at most <paramref name="maxDegreeOfParallelism"/> threads;
    /// cancelled between blocks of 1,024 rows).</summary>
    public static void Assign(float[] x, int d, ReadOnlyMemory<int> rows, float[] centroids, int k, SimilarityMetric metric, int[] assign, int maxDegreeOfParallelism,
        CancellationToken cancellationToken = default)
    {
        var n = rows.Length;
        Parallel.For(0, (n + 1023) / 1024, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken }, () => new float[k], (b, _, scratch) =>
        {
            var r = rows.Span;
            for (var i = b * 1024; i < Math.Min(n, (b + 1) * 1024); i++)
            {
                Keys(metric, x.AsSpan(r[i] * d, d), centroids.AsSpan(0, k * d), d, scratch);
                assign[i] = TensorPrimitives.IndexOfMax(scratch);
            }

            return scratch;
        }, _ => { });
    }

    /// <summary>Moves each centroid to the mean of its rows (normalised for spherical k-means); an empty cell is re-seeded
    /// with a random row.</summary>
    public static void Update(float[] x, int d, ReadOnlySpan<int> rows, ReadOnlySpan<int> assign, float[] centroids, int k, bool normalise, ref Xoshiro256 rng)
    {
        var sums = new double[k * d];
        var counts = new int[k];
        for (var i = 0; i < rows.Length; i++)
        {
            var c = assign[i];
            counts[c]++;
            var v = x.AsSpan(rows[i] * d, d);
            for (var j = 0; j < d; j++) { sums[c * d + j] += v[j]; }
        }

        for (var c = 0; c < k; c++)
        {
            var centroid = centroids.AsSpan(c * d, d);
            if (counts[c] == 0)
            {
                x.AsSpan(rows[rng.NextInt(rows.Length)] * d, d).CopyTo(centroid);
                continue;
            }

            for (var j = 0; j < d; j++) { centroid[j] = (float)(sums[c * d + j] / counts[c]); }
            if (normalise)
            {
                VectorMath.NormalizeInPlace(centroid);
            }
        }
    }
}
