using CohortKit.Randomness;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>Step 3: capacitated k-means inside one part. Rounds of assignment to centroids under the size bounds (best
/// (learner, centroid) pairs first, each cohort capped at Max, then cohorts below Min topped up at the least loss) alternate
/// with centroid updates; <see cref="LocalSearch"/> then polishes the result.</summary>
internal static class CapacitatedAssignment
{
    /// <summary>How many of its best cohorts each point offers to the greedy pass.</summary>
    private const int Shortlist = 8;

    /// <summary>Forms the cohorts of one part from seed clusters (or k-means++ seeds when <paramref name="seed"/> is null).</summary>
    /// <param name="space">The unit rows.</param>
    /// <param name="rows">The part's rows.</param>
    /// <param name="seed">Seed clusters (a label per row and their count), or null.</param>
    /// <param name="k">The number of cohorts when there are no seed clusters.</param>
    /// <param name="range">The cohort counts the bounds and constraints allow (<see cref="PartAttributes.CohortRange"/>); the
    /// seed clusters' count is clamped into it (unused without seed clusters).</param>
    /// <param name="constrained">Size-bounded (cohorts) or unconstrained (the k-means baseline).</param>
    /// <param name="options">The settings.</param>
    /// <param name="bounds">The size bounds.</param>
    /// <param name="stream">The random stream of this part.</param>
    /// <returns>Local labels and the number of cohorts.</returns>
    public static (int[] Labels, int Count) Solve(CohortSpace space, int[] rows, CohortDiscovery.Seeded? seed, int k, (int Low, int High) range, bool constrained,
        CohortFormationOptions options, SizeBounds bounds, ulong stream)
    {
        var n = rows.Length;
        var rng = new Xoshiro256(unchecked((ulong)options.Seed), stream);
        float[] centroids;
        if (seed is null)
        {
            centroids = space.KMeansPlusPlus(rows, k, ref rng);
        }
        else
        {
            // The k largest seed clusters (ties: lower label) seed the centroids; k within the feasible range.
            k = Math.Clamp(seed.Count, range.Low, range.High);
            var all = space.Centroids(rows, seed.Labels, seed.Count);
            var sizes = new int[seed.Count];
            foreach (var c in seed.Labels) { sizes[c]++; }
            var keep = Enumerable.Range(0, seed.Count).OrderByDescending(c => sizes[c]).ThenBy(c => c).Take(k).ToArray();
            centroids = new float[k * space.D];
            for (var i = 0; i < keep.Length; i++) { all.AsSpan(keep[i] * space.D, space.D).CopyTo(centroids.AsSpan(i * space.D)); }
            for (var i = keep.Length; i < k; i++) { space.X.AsSpan(rows[rng.NextInt(n)] * space.D, space.D).CopyTo(centroids.AsSpan(i * space.D)); }
        }

        var labels = new int[n];
        var sims = new float[n * k];
        for (var it = 0; it < options.Iterations; it++)
        {
            Assign(space, rows, centroids, k, constrained, bounds, sims, labels);
            KMeans.Update(space.X, space.D, rows, labels, centroids, k, normalise: true, ref rng);
        }

        Assign(space, rows, centroids, k, constrained, bounds, sims, labels);
        if (constrained)
        {
            LocalSearch.Improve(space, rows, labels, k, bounds);
            return (labels, k);
        }

        // Renumber densely (unconstrained k-means can leave clusters empty).
        var map = new int[k];
        Array.Fill(map, -1);
        var used = 0;
        for (var i = 0; i < n; i++)
        {
            if (map[labels[i]] < 0) { map[labels[i]] = used++; }
            labels[i] = map[labels[i]];
        }

        return (labels, used);
    }

    private static void Assign(CohortSpace space, int[] rows, float[] centroids, int k, bool constrained, SizeBounds bounds, float[] sims, int[] labels)
    {
        if (!constrained)
        {
            space.AssignNearest(rows, centroids, k, sims, labels);
            return;
        }

        space.Similarities(rows, centroids, k, sims);
        Capacitated(sims, rows.Length, k, bounds, labels);
    }

    /// <summary>Greedy capacitated assignment: (point, cohort) pairs best first, each cohort capped at Max; then cohorts
    /// below Min take, at the least loss, points from cohorts that can spare them. Only each point's
    /// <see cref="Shortlist"/> best cohorts enter the sorted pairs; a point whose shortlist is full takes the best cohort
    /// with room among all.</summary>
    internal static void Capacitated(float[] sims, int n, int k, SizeBounds bounds, int[] labels)
    {
        var t = Math.Min(k, Shortlist);
        var pairs = new long[n * t];
        var keys = new float[n * t];
        var top = new int[t];
        for (var i = 0; i < n; i++)
        {
            var row = sims.AsSpan(i * k, k);
            var found = 0;
            for (var c = 0; c < k; c++)
            {
                // Insertion into the point's top t (higher similarity first; ties keep the lower cohort first).
                if (found == t && row[c] <= row[top[t - 1]]) { continue; }
                var at = found < t ? found++ : t - 1;
                while (at > 0 && row[top[at - 1]] < row[c]) { top[at] = top[at - 1]; at--; }
                top[at] = c;
            }

            for (var j = 0; j < t; j++) { pairs[i * t + j] = (long)i * k + top[j]; keys[i * t + j] = -row[top[j]]; }
        }

        Array.Sort(keys, pairs);
        var size = new int[k];
        Array.Fill(labels, -1);
        var assigned = 0;
        foreach (var pair in pairs)
        {
            int i = (int)(pair / k), c = (int)(pair % k);
            if (labels[i] >= 0 || size[c] >= bounds.Max) { continue; }
            labels[i] = c;
            size[c]++;
            if (++assigned == n) { break; }
        }

        for (var i = 0; i < n && assigned < n; i++)
        {
            if (labels[i] >= 0) { continue; }
            var row = sims.AsSpan(i * k, k);
            var choice = -1;
            for (var c = 0; c < k; c++) { if (size[c] < bounds.Max && (choice < 0 || row[c] > row[choice])) { choice = c; } }
            labels[i] = choice;
            size[choice]++;
            assigned++;
        }

        for (var c = 0; c < k; c++)
        {
            while (size[c] < bounds.Min)
            {
                var best = -1;
                var bestLoss = float.PositiveInfinity;
                for (var i = 0; i < n; i++)
                {
                    var from = labels[i];
                    if (from == c || size[from] <= bounds.Min) { continue; }
                    var loss = sims[i * k + from] - sims[i * k + c];
                    if (loss < bestLoss) { bestLoss = loss; best = i; }
                }

                if (best < 0)
                {
                    throw new InvalidOperationException($"No learner can move to cohort {c}: {n} learners do not allow {k} cohorts of at least {bounds.Min}.");
                }

                size[labels[best]]--;
                labels[best] = c;
                size[c]++;
            }
        }
    }
}
