using System.Numerics.Tensors;
using CohortKit.Randomness;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>Step 1: splits a large population into parts of about <see cref="CohortFormationOptions.PartSize"/> rows by
/// spherical k-means, so that the later steps work on parts in parallel; parts that cannot be split within the size bounds
/// are merged into their nearest part.</summary>
internal static class Partitioning
{
    private const int Iterations = 6;

    /// <summary>A part: its rows and the unit mean direction of them.</summary>
    public sealed record Part(int[] Rows, float[] Centroid, int Group);

    /// <summary>Splits the rows of one group into parts.</summary>
    public static List<Part> Split(CohortSpace space, int[] rows, int group, CohortFormationOptions options, SizeBounds bounds)
    {
        var d = space.D;
        if (rows.Length <= options.PartSize)
        {
            return [new Part(rows, space.Centroids(rows, new int[rows.Length], 1), group)];
        }

        var p = (int)Math.Ceiling(2.0 * rows.Length / options.PartSize);
        var rng = new Xoshiro256(unchecked((ulong)options.Seed), 0xC0FFEE);
        var centroids = space.KMeansPlusPlus(rows, p, ref rng);
        var assign = new int[rows.Length];
        for (var it = 0; it < Iterations; it++)
        {
            KMeans.Assign(space.X, d, rows, centroids, p, SimilarityMetric.Cosine, assign, options.MaxDegreeOfParallelism);
            KMeans.Update(space.X, d, rows, assign, centroids, p, normalise: true, ref rng);
        }

        var parts = Enumerable.Range(0, p).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < rows.Length; i++) { parts[assign[i]].Add(rows[i]); }
        var alive = Enumerable.Range(0, p).Where(c => parts[c].Count > 0).ToList();
        MergeInfeasible(alive, c => parts[c].Count, (from, into) => { parts[into].AddRange(parts[from]); parts[from].Clear(); },
            (a, b) => TensorPrimitives.Dot(centroids.AsSpan(a * d, d), centroids.AsSpan(b * d, d)), bounds);
        return alive.Select(c => new Part([.. parts[c]], centroids.AsSpan(c * d, d).ToArray(), group)).ToList();
    }

    /// <summary>Merges every part whose size cannot be split within the bounds into its most similar live part, until all
    /// are feasible or one is left.</summary>
    public static void MergeInfeasible(List<int> alive, Func<int, int> size, Action<int, int> merge, Func<int, int, float> similarity, SizeBounds bounds)
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var c in alive.ToList())
            {
                if (bounds.Feasible(size(c)) || alive.Count == 1) { continue; }
                var best = alive.Where(o => o != c).MaxBy(o => similarity(c, o));
                merge(c, best);
                alive.Remove(c);
                changed = true;
            }
        }
        while (changed);
    }
}
