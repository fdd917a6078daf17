using System.Numerics.Tensors;
using CohortKit.Randomness;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>Step 1: splits a large population into parts of about <see cref="CohortFormationOptions.PartSize"/> rows by
/// spherical k-means, so that the later steps work on parts in parallel; parts that cannot be split within the size bounds
/// are merged into their nearest part. With mix or cap constraints the split is aware of the attributes: a part that could
/// not meet them on its own is merged into the most similar part that makes up for it (<see cref="PartAttributes"/>).</summary>
internal static class Partitioning
{
    private const int Iterations = 6;

    /// <summary>A part: its rows and the unit mean direction of them.</summary>
    public sealed record Part(int[] Rows, float[] Centroid, int Group);

    /// <summary>Splits the rows of one group into parts.</summary>
    /// <param name="space">The unit rows.</param>
    /// <param name="rows">The group's rows.</param>
    /// <param name="group">The group code.</param>
    /// <param name="options">The settings.</param>
    /// <param name="bounds">The size bounds.</param>
    /// <param name="mix">Optional mix code per learner (indexed by row of the whole population).</param>
    /// <param name="cap">Optional cap code per learner.</param>
    public static List<Part> Split(CohortSpace space, int[] rows, int group, CohortFormationOptions options, SizeBounds bounds, int[]? mix = null, int[]? cap = null)
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
            (a, b) => TensorPrimitives.Dot(centroids.AsSpan(a * d, d), centroids.AsSpan(b * d, d)), bounds,
            PartAttributes.Create(parts, mix, cap, options, bounds));
        return alive.Select(c => new Part([.. parts[c]], centroids.AsSpan(c * d, d).ToArray(), group)).ToList();
    }

    /// <summary>Merges every part whose size cannot be split within the bounds (or, given <paramref name="attributes"/>,
    /// that could not meet the mix and cap constraints on its own) into its most similar live part — preferring a part
    /// together with which it could meet them — until all are feasible or one is left.</summary>
    public static void MergeInfeasible(List<int> alive, Func<int, int> size, Action<int, int> merge, Func<int, int, float> similarity, SizeBounds bounds, PartAttributes? attributes = null)
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var c in alive.ToList())
            {
                if ((bounds.Feasible(size(c)) && (attributes?.CanMeet(c) ?? true)) || alive.Count == 1) { continue; }
                var others = alive.Where(o => o != c);
                var best = attributes is null
                    ? others.MaxBy(o => similarity(c, o))
                    : others.OrderByDescending(o => attributes.CanMeet(c, o)).ThenByDescending(o => similarity(c, o)).ThenBy(o => o).First();
                merge(c, best);
                attributes?.Merge(c, best);
                alive.Remove(c);
                changed = true;
            }
        }
        while (changed);
    }
}
