using System.Numerics.Tensors;
using CohortKit.Features;
using CohortKit.Randomness;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>The L2-normalised rows that every formation step works on, and the geometry the steps share: similarities of rows
/// to centroids, unit centroids of labelled rows, and k-means++ seeding.</summary>
internal sealed class CohortSpace
{
    /// <summary>Copies and normalises the features (zero rows stay zero).</summary>
    /// <param name="features">The features.</param>
    /// <exception cref="ArgumentException">A feature is NaN or infinite.</exception>
    public CohortSpace(FeatureMatrix features)
    {
        D = features.Dimensions;
        Rows = features.Rows;
        X = features.AsSpan().ToArray();
        for (var r = 0; r < Rows; r++)
        {
            var row = X.AsSpan(r * D, D);
            foreach (var v in row)
            {
                if (!float.IsFinite(v)) { throw new ArgumentException($"Row {r} has a NaN or infinite feature.", nameof(features)); }
            }

            VectorMath.NormalizeInPlace(row);
        }
    }

    /// <summary>Gets the unit rows, row-major.</summary>
    public float[] X { get; }

    /// <summary>Gets the row length.</summary>
    public int D { get; }

    /// <summary>Gets the number of rows.</summary>
    public int Rows { get; }

    /// <summary>sims[i·k + c] = row rows[i] · centroid c.</summary>
    public void Similarities(ReadOnlySpan<int> rows, float[] centroids, int k, float[] sims)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            SimilarityKernels.DotRows(X.AsSpan(rows[i] * D, D), centroids.AsSpan(0, k * D), D, sims.AsSpan(i * k, k));
        }
    }

    /// <summary>The sums of unit rows per label (labels[i] is the label of rows[i]).</summary>
    public CentroidSums Sums(ReadOnlySpan<int> rows, ReadOnlySpan<int> labels, int k) => CentroidSums.Compute(X, D, rows, labels, k, unitRows: true);

    /// <summary>Unit centroids of labelled rows.</summary>
    public float[] Centroids(ReadOnlySpan<int> rows, ReadOnlySpan<int> labels, int k)
    {
        var centroids = new float[k * D];
        Sums(rows, labels, k).UnitCentroids(centroids);
        return centroids;
    }

    /// <summary>Labels by the most similar centroid (unconstrained).</summary>
    public void AssignNearest(ReadOnlySpan<int> rows, float[] centroids, int k, float[] sims, int[] labels)
    {
        Similarities(rows, centroids, k, sims);
        for (var i = 0; i < rows.Length; i++) { labels[i] = TensorPrimitives.IndexOfMax(sims.AsSpan(i * k, k)); }
    }

    /// <summary>k-means++ seeding (on at most 20,000 sampled rows).</summary>
    public float[] KMeansPlusPlus(int[] rows, int k, ref Xoshiro256 rng)
    {
        var d = D;
        var sample = rows;
        if (rows.Length > 20_000)
        {
            sample = new int[20_000];
            for (var i = 0; i < sample.Length; i++) { sample[i] = rows[(int)((rng.NextUInt64() >> 11) % (ulong)rows.Length)]; }
        }

        var centroids = new float[k * d];
        var best = new float[sample.Length];
        Array.Fill(best, float.NegativeInfinity);
        var first = sample[rng.NextInt(sample.Length)];
        X.AsSpan(first * d, d).CopyTo(centroids);
        var weights = new double[sample.Length];
        for (var c = 1; c < k; c++)
        {
            var prev = centroids.AsSpan((c - 1) * d, d);
            double total = 0;
            for (var i = 0; i < sample.Length; i++)
            {
                best[i] = Math.Max(best[i], TensorPrimitives.Dot(X.AsSpan(sample[i] * d, d), prev));
                var dist = Math.Max(0, 2 - 2 * best[i]); // squared distance between unit vectors
                weights[i] = dist;
                total += dist;
            }

            var pick = sample[0];
            var u = rng.NextDouble() * total;
            for (var i = 0; i < sample.Length; i++)
            {
                u -= weights[i];
                if (u <= 0) { pick = sample[i]; break; }
            }

            X.AsSpan(pick * d, d).CopyTo(centroids.AsSpan(c * d, d));
        }

        return centroids;
    }
}
