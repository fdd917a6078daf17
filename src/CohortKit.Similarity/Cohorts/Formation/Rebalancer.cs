using System.Numerics.Tensors;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>
/// Updates existing cohorts while moving as few current members as possible, in this order: cohorts above Max are split
/// (the largest piece keeps the id); newcomers first top up the cohorts that fell below Min, then join the most similar
/// cohort of their group with room (best pairs first); only cohorts still below Min are dissolved and their members placed
/// the same way; whoever is left forms new cohorts, borrowing from the most similar cohorts only the members needed to
/// reach Min.
/// </summary>
internal sealed class Rebalancer(CohortSpace space, CohortFormationOptions options, SizeBounds bounds, Func<int, int> groupOf)
{
    private readonly int _d = space.D;

    /// <summary>Runs the update.</summary>
    public RebalanceResult Run(IReadOnlyList<int> currentCohort)
    {
        var n = space.Rows;
        var label = currentCohort.ToArray();
        var nextId = label.Length == 0 ? 0 : Math.Max(0, label.Max() + 1);
        var newCohorts = 0;
        var dissolved = 0;
        var placed = 0;

        // 1. Split cohorts above the maximum; the largest piece keeps the id.
        var byCohort = Enumerable.Range(0, n).Where(i => label[i] >= 0).GroupBy(i => label[i]).ToList();
        foreach (var cohort in byCohort.Where(g => g.Count() > bounds.Max))
        {
            var rows = cohort.ToArray();
            var keep = rows;
            if (!bounds.Feasible(rows.Length))
            {
                keep = rows.Take(bounds.Max).ToArray();
                foreach (var r in rows.Skip(bounds.Max)) { label[r] = -1; }
            }

            var (local, count) = CapacitatedAssignment.Solve(space, keep, null, bounds.Fewest(keep.Length), default, constrained: true, options, bounds, (ulong)cohort.Key + 0x5B117);
            var largest = Enumerable.Range(0, count).MaxBy(c => local.Count(l => l == c));
            var ids = Enumerable.Range(0, count).Select(c => c == largest ? cohort.Key : nextId + (c < largest ? c : c - 1)).ToArray();
            for (var j = 0; j < keep.Length; j++) { label[keep[j]] = ids[local[j]]; }
            nextId += count - 1;
            newCohorts += count - 1;
        }

        var size = new int[nextId];
        var cohortGroup = new int[nextId];
        foreach (var i in Enumerable.Range(0, n).Where(i => label[i] >= 0)) { size[label[i]]++; cohortGroup[label[i]] = groupOf(i); }
        var centroids = space.Centroids(Enumerable.Range(0, n).Where(i => label[i] >= 0).ToArray(), label.Where(l => l >= 0).ToArray(), nextId);

        // 2. Newcomers top up cohorts below the minimum, then join cohorts with room.
        var waiting = Enumerable.Range(0, n).Where(i => label[i] < 0).ToList();
        placed += Place(waiting, label, size, cohortGroup, centroids, c => size[c] > 0 && size[c] < bounds.Min, bounds.Min);
        placed += Place(waiting, label, size, cohortGroup, centroids, c => size[c] > 0, bounds.Max);

        // 3. Dissolve what is still below the minimum and place its members.
        for (var c = 0; c < nextId; c++)
        {
            if (size[c] == 0 || size[c] >= bounds.Min) { continue; }
            dissolved++;
            for (var i = 0; i < n; i++) { if (label[i] == c) { label[i] = -1; waiting.Add(i); } }
            size[c] = 0;
        }

        placed += Place(waiting, label, size, cohortGroup, centroids, c => size[c] > 0, bounds.Max);

        // 4. Leftovers form new cohorts per group, borrowing only the members they need.
        foreach (var group in waiting.Where(i => label[i] < 0).GroupBy(groupOf).ToList())
        {
            var rows = group.ToList();
            if (!bounds.Feasible(rows.Count)) { Borrow(rows, group.Key, label, size, cohortGroup, centroids); }
            var (local, count) = CapacitatedAssignment.Solve(space, [.. rows], null, bounds.Fewest(rows.Count), default, constrained: true, options, bounds, (ulong)nextId + 7919);
            for (var j = 0; j < rows.Count; j++) { label[rows[j]] = nextId + local[j]; }
            nextId += count;
            newCohorts += count;
        }

        var moved = 0;
        for (var i = 0; i < n; i++) { if (currentCohort[i] >= 0 && currentCohort[i] != label[i]) { moved++; } }
        return new RebalanceResult(new CohortAssignment(label, nextId), moved, placed, newCohorts, dissolved);
    }

    /// <summary>Places waiting rows into cohorts that accept them, best (row, cohort) pairs first, up to a size limit.</summary>
    private int Place(List<int> waiting, int[] label, int[] size, int[] cohortGroup, float[] centroids, Func<int, bool> accepts, int limit)
    {
        var k = size.Length;
        if (k == 0 || waiting.Count == 0) { return 0; }
        var pairs = new List<(float Sim, int Row, int Cohort)>();
        var scratch = new float[k];
        foreach (var i in waiting)
        {
            SimilarityKernels.DotRows(space.X.AsSpan(i * _d, _d), centroids, _d, scratch);
            for (var c = 0; c < k; c++)
            {
                if (accepts(c) && size[c] < limit && cohortGroup[c] == groupOf(i)) { pairs.Add((scratch[c], i, c)); }
            }
        }

        pairs.Sort((a, b) => a.Sim != b.Sim ? b.Sim.CompareTo(a.Sim) : a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Cohort.CompareTo(b.Cohort));
        var placed = 0;
        foreach (var (_, row, cohort) in pairs)
        {
            if (label[row] >= 0 || size[cohort] >= limit) { continue; }
            label[row] = cohort;
            size[cohort]++;
            placed++;
        }

        waiting.RemoveAll(i => label[i] >= 0);
        return placed;
    }

    /// <summary>Takes from the cohorts most similar to the leftovers (never below Min) the members most similar to them,
    /// until the leftovers can form cohorts.</summary>
    private void Borrow(List<int> rows, int group, int[] label, int[] size, int[] cohortGroup, float[] centroids)
    {
        var mean = new float[_d];
        foreach (var r in rows) { TensorPrimitives.Add(mean, space.X.AsSpan(r * _d, _d), mean); }
        VectorMath.NormalizeInPlace(mean);
        var donors = Enumerable.Range(0, size.Length).Where(c => size[c] > bounds.Min && cohortGroup[c] == group)
            .OrderByDescending(c => TensorPrimitives.Dot(mean, centroids.AsSpan(c * _d, _d))).ThenBy(c => c).ToList();
        foreach (var c in donors)
        {
            if (bounds.Feasible(rows.Count)) { return; }
            var candidates = Enumerable.Range(0, label.Length).Where(i => label[i] == c)
                .OrderByDescending(i => TensorPrimitives.Dot(mean, space.X.AsSpan(i * _d, _d))).ThenBy(i => i).ToList();
            foreach (var i in candidates)
            {
                if (bounds.Feasible(rows.Count) || size[c] <= bounds.Min) { break; }
                label[i] = -1;
                size[c]--;
                rows.Add(i);
            }
        }

        if (!bounds.Feasible(rows.Count))
        {
            throw new CohortFormationInfeasibleException(nameof(options.MinSize),
                $"{rows.Count} learners in group {group} cannot form cohorts of {bounds.Min}–{bounds.Max}, and the existing cohorts cannot spare enough members within the bounds (MinSize).");
        }
    }
}
