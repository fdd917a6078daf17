using System.Numerics.Tensors;
using CohortKit.Randomness;

namespace CohortKit.Segmentation.Discovery;

/// <summary>The outcome of one k-means run.</summary>
internal sealed record KMeansFit(float[] Centroids, int[] Labels, double Inertia, int Iterations);

/// <summary>Euclidean k-means: k-means++ seeding, then Lloyd iterations until the inertia improves by less than the tolerance
/// (relative) or the iteration cap. The assignment step runs in fixed blocks on at most <c>maxDegreeOfParallelism</c> threads
/// and the blocks' partial sums are reduced in block order, so the same seed gives the same result on any number of threads.</summary>
/// <remarks>Distances are ‖x‖² − 2 x·c + ‖c‖² with the dot products from <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// (SIMD) and the row norms computed once; centroid sums are accumulated in double.</remarks>
internal static class KMeansKernel
{
    private const int Block = 4096;

    /// <summary>Fits k centroids, seeded by k-means++ or started from <paramref name="initial"/> (k × d, copied).</summary>
    public static KMeansFit Fit(float[] x, int n, int d, int k, ulong seed, int maxIterations, double tolerance, int maxDegreeOfParallelism, CancellationToken cancellationToken, float[]? initial = null)
    {
        var norms = new float[n];
        for (var i = 0; i < n; i++) { var r = x.AsSpan(i * d, d); norms[i] = TensorPrimitives.Dot(r, r); }
        var rng = new Xoshiro256(seed, 0x6b6d);
        var centroids = initial is null ? Seed(x, norms, n, d, k, ref rng, maxDegreeOfParallelism) : (float[])initial.Clone();
        var labels = new int[n];
        var distances = new float[n];
        var blocks = (n + Block - 1) / Block;
        var sums = new double[blocks][];
        var counts = new int[blocks][];
        var inertias = new double[blocks];
        double previous = double.PositiveInfinity, inertia = 0;
        var iterations = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        while (iterations < maxIterations)
        {
            iterations++;
            var cnorms = CentroidNorms(centroids, k, d);
            Parallel.For(0, blocks, parallel, b =>
            {
                var s = sums[b] ??= new double[k * d];
                var c = counts[b] ??= new int[k];
                Array.Clear(s);
                Array.Clear(c);
                double local = 0;
                var dots = new float[k];
                for (var i = b * Block; i < Math.Min(n, (b + 1) * Block); i++)
                {
                    var row = x.AsSpan(i * d, d);
                    var (best, bestDistance) = Nearest(row, norms[i], centroids, cnorms, k, d, dots);
                    labels[i] = best;
                    distances[i] = bestDistance;
                    local += bestDistance;
                    c[best]++;
                    var target = s.AsSpan(best * d, d);
                    for (var j = 0; j < d; j++) { target[j] += row[j]; }
                }

                inertias[b] = local;
            });

            inertia = 0;
            var total = new double[k * d];
            var totalCounts = new int[k];
            for (var b = 0; b < blocks; b++)
            {
                inertia += inertias[b];
                for (var j = 0; j < total.Length; j++) { total[j] += sums[b][j]; }
                for (var c = 0; c < k; c++) { totalCounts[c] += counts[b][c]; }
            }

            Update(x, d, k, centroids, total, totalCounts, distances);
            // The first iteration has no previous inertia to compare with (∞ − x ≤ tol·∞ would stop it at once).
            if (double.IsFinite(previous) && previous - inertia <= tolerance * previous)
            {
                break;
            }

            previous = inertia;
        }

        // Labels and inertia of the final centroids.
        var finalNorms = CentroidNorms(centroids, k, d);
        inertia = 0;
        var scratch = new float[k];
        for (var i = 0; i < n; i++)
        {
            var (best, distance) = Nearest(x.AsSpan(i * d, d), norms[i], centroids, finalNorms, k, d, scratch);
            labels[i] = best;
            inertia += distance;
        }

        return new KMeansFit(centroids, labels, inertia, iterations);
    }

    private static (int Best, float Distance) Nearest(ReadOnlySpan<float> row, float norm, float[] centroids, float[] cnorms, int k, int d, float[] dots)
    {
        var best = 0;
        var bestDistance = float.PositiveInfinity;
        for (var c = 0; c < k; c++)
        {
            var distance = norm + cnorms[c] - 2 * TensorPrimitives.Dot(row, centroids.AsSpan(c * d, d));
            if (distance < bestDistance) { bestDistance = distance; best = c; }
        }

        return (best, Math.Max(0, bestDistance));
    }

    private static float[] CentroidNorms(float[] centroids, int k, int d)
    {
        var cnorms = new float[k];
        for (var c = 0; c < k; c++) { var r = centroids.AsSpan(c * d, d); cnorms[c] = TensorPrimitives.Dot(r, r); }
        return cnorms;
    }

    /// <summary>Moves each centroid to its rows' mean; an empty cluster takes the row farthest from its centroid.</summary>
    private static void Update(float[] x, int d, int k, float[] centroids, double[] sums, int[] counts, float[] distances)
    {
        for (var c = 0; c < k; c++)
        {
            var centroid = centroids.AsSpan(c * d, d);
            if (counts[c] == 0)
            {
                var far = TensorPrimitives.IndexOfMax(distances);
                x.AsSpan(far * d, d).CopyTo(centroid);
                distances[far] = 0;
                continue;
            }

            for (var j = 0; j < d; j++) { centroid[j] = (float)(sums[c * d + j] / counts[c]); }
        }
    }

    /// <summary>k-means++: the first centre uniformly, each next one with probability proportional to the squared distance to
    /// the nearest centre chosen so far.</summary>
    private static float[] Seed(float[] x, float[] norms, int n, int d, int k, ref Xoshiro256 rng, int maxDegreeOfParallelism)
    {
        var centroids = new float[k * d];
        var nearest = new float[n];
        nearest.AsSpan().Fill(float.PositiveInfinity);
        var first = rng.NextInt(n);
        x.AsSpan(first * d, d).CopyTo(centroids);
        for (var c = 1; c < k; c++)
        {
            var centre = centroids.AsMemory((c - 1) * d, d);
            var cnorm = TensorPrimitives.Dot(centre.Span, centre.Span);
            Parallel.For(0, (n + Block - 1) / Block, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, b =>
            {
                var cs = centre.Span;
                for (var i = b * Block; i < Math.Min(n, (b + 1) * Block); i++)
                {
                    var distance = Math.Max(0, norms[i] + cnorm - 2 * TensorPrimitives.Dot(x.AsSpan(i * d, d), cs));
                    if (distance < nearest[i]) { nearest[i] = distance; }
                }
            });
            double total = 0;
            foreach (var v in nearest) { total += v; }
            var target = rng.NextDouble() * total;
            var chosen = n - 1;
            double running = 0;
            for (var i = 0; i < n; i++)
            {
                running += nearest[i];
                if (running > target) { chosen = i; break; }
            }

            x.AsSpan(chosen * d, d).CopyTo(centroids.AsSpan(c * d, d));
        }

        return centroids;
    }
}
