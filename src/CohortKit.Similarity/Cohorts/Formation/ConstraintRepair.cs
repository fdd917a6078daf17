using System.Numerics.Tensors;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>Step 5: meets the mix and cap constraints across all cohorts of a group (not part by part, so a part whose
/// learners share one value can trade with another part). Feasibility is decided globally first; then, cohort by
/// cohort, the swap between two cohorts (or the move of one learner, where the size bounds allow it) that lowers the total
/// number of violations and loses the least similarity to the cohorts' centroids is applied, until no violation is left.</summary>
internal static class ConstraintRepair
{
    private const int NearestCohorts = 32;

    /// <summary>Repairs the labels (cohort of each of the group's rows, in [0, k)) in place.</summary>
    /// <exception cref="CohortFormationInfeasibleException">A constraint cannot be met.</exception>
    public static void Repair(CohortSpace space, int[] rows, int[] labels, int k, int[]? mix, int[]? cap, CohortFormationOptions options)
    {
        var n = rows.Length;
        var d = space.D;
        var members = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < n; i++) { members[labels[i]].Add(i); }
        CheckFeasible(rows, members, k, mix, cap, options);
        var centroids = space.Centroids(rows, labels, k);
        var capCount = Enumerable.Range(0, k).Select(_ => new Dictionary<int, int>()).ToArray();
        var mixCount = Enumerable.Range(0, k).Select(_ => new Dictionary<int, int>()).ToArray();
        for (var i = 0; i < n; i++)
        {
            if (cap is not null) { Increment(capCount[labels[i]], cap[rows[i]], 1); }
            if (mix is not null) { Increment(mixCount[labels[i]], mix[rows[i]], 1); }
        }

        int CapViolation(int c) => cap is null ? 0 : capCount[c].Values.Sum(v => Math.Max(0, v - options.MaxPerValue));
        int MixViolation(int c) => mix is null ? 0 : Math.Max(0, Math.Min(options.MinDistinct, members[c].Count) - mixCount[c].Count);
        int Violation(int c) => CapViolation(c) + MixViolation(c);

        // Change in cohort c's violations when row `leave` goes out and row `enter` comes in (−1: nobody).
        int Delta(int c, int leave, int enter)
        {
            var delta = 0;
            var same = leave >= 0 && enter >= 0;
            if (cap is not null)
            {
                var counts = capCount[c];
                int Over(int v) => Math.Max(0, v - options.MaxPerValue);
                if (!same || cap[rows[leave]] != cap[rows[enter]])
                {
                    if (leave >= 0) { var o = counts.GetValueOrDefault(cap[rows[leave]]); delta += Over(o - 1) - Over(o); }
                    if (enter >= 0) { var e = counts.GetValueOrDefault(cap[rows[enter]]); delta += Over(e + 1) - Over(e); }
                }
            }

            if (mix is not null)
            {
                var counts = mixCount[c];
                var size = members[c].Count;
                var resized = size - (leave >= 0 ? 1 : 0) + (enter >= 0 ? 1 : 0);
                var distinct = counts.Count;
                var after = distinct;
                if (!same || mix[rows[leave]] != mix[rows[enter]])
                {
                    if (leave >= 0 && counts.GetValueOrDefault(mix[rows[leave]]) == 1) { after--; }
                    if (enter >= 0 && counts.GetValueOrDefault(mix[rows[enter]]) == 0) { after++; }
                }

                delta += Math.Max(0, Math.Min(options.MinDistinct, resized) - after) - Math.Max(0, Math.Min(options.MinDistinct, size) - distinct);
            }

            return delta;
        }

        float Sim(int i, int c) => TensorPrimitives.Dot(space.X.AsSpan(rows[i] * d, d), centroids.AsSpan(c * d, d));

        // The change that lowers the total violations at the least similarity loss: a swap of i (in a) and j (in b), or,
        // when the sizes allow, a move of i from a to b (J = −1, B = b). Swaps alone keep every size, so a cohort too large
        // to hold its values within the cap could never be repaired.
        (double Loss, int I, int J, int B) BestChange(int a, IEnumerable<int> cohorts)
        {
            var best = (Loss: double.PositiveInfinity, I: -1, J: -1, B: -1);
            foreach (var b in cohorts)
            {
                if (b == a) { continue; }
                var movable = members[a].Count > options.MinSize && members[b].Count < options.MaxSize;
                foreach (var i in members[a])
                {
                    float ia = Sim(i, a), ib = Sim(i, b);
                    if (movable && Delta(a, i, -1) + Delta(b, -1, i) < 0 && ia - ib < best.Loss) { best = (ia - ib, i, -1, b); }
                    foreach (var j in members[b])
                    {
                        if (Delta(a, i, j) + Delta(b, j, i) >= 0) { continue; }
                        var loss = ia + Sim(j, b) - ib - Sim(j, a);
                        if (loss < best.Loss) { best = (loss, i, j, b); }
                    }
                }
            }

            return best;
        }

        var scores = new float[k];
        for (var round = 0; round < 10 * n + 10; round++)
        {
            var bad = Enumerable.Range(0, k).Where(c => Violation(c) > 0).ToList();
            if (bad.Count == 0) { return; }
            var progress = false;
            foreach (var a in bad)
            {
                if (Violation(a) == 0) { continue; }
                SimilarityKernels.DotRows(centroids.AsSpan(a * d, d), centroids, d, scores);
                var near = Enumerable.Range(0, k).OrderByDescending(c => scores[c]).ThenBy(c => c).Take(NearestCohorts + 1).ToList();
                var change = BestChange(a, near);
                if (change.I < 0 && k > near.Count) { change = BestChange(a, Enumerable.Range(0, k)); }
                if (change.I < 0) { continue; }
                Move(change.I, a, change.B);
                if (change.J >= 0) { Move(change.J, change.B, a); }
                progress = true;
            }

            if (!progress) { break; }
        }

        var capBroken = Enumerable.Range(0, k).Any(c => CapViolation(c) > 0);
        throw new CohortFormationInfeasibleException(capBroken ? nameof(options.MaxPerValue) : nameof(options.MinDistinct), capBroken
            ? $"A cohort holds more than {options.MaxPerValue} learners sharing one value of the capped attribute and no swap or move can fix it: there are too many such learners for the cohorts available (MaxPerValue)."
            : $"A cohort cannot hold {options.MinDistinct} distinct values of the mixed attribute: no swap or move can bring a missing value in without breaking another cohort (MinDistinct).");

        void Move(int i, int from, int to)
        {
            members[from].Remove(i);
            members[to].Add(i);
            labels[i] = to;
            if (cap is not null) { Increment(capCount[from], cap[rows[i]], -1); Increment(capCount[to], cap[rows[i]], 1); }
            if (mix is not null) { Increment(mixCount[from], mix[rows[i]], -1); Increment(mixCount[to], mix[rows[i]], 1); }
        }
    }

    /// <summary>Global necessary conditions: a capped value fits in k cohorts at MaxPerValue each; every cohort can get
    /// min(MinDistinct, size) distinct mixed values (a value can appear in at most min(count, k) cohorts).</summary>
    private static void CheckFeasible(int[] rows, List<int>[] members, int k, int[]? mix, int[]? cap, CohortFormationOptions options)
    {
        var n = rows.Length;
        if (cap is not null)
        {
            var crowded = rows.GroupBy(r => cap[r]).Select(g => g.Count()).Max();
            if (crowded > k * options.MaxPerValue)
            {
                throw new CohortFormationInfeasibleException(nameof(options.MaxPerValue),
                    $"{crowded} of {n} learners share one value of the capped attribute, but {k} cohorts with at most {options.MaxPerValue} each seat only {k * options.MaxPerValue} (MaxPerValue).");
            }
        }

        if (mix is not null)
        {
            var available = rows.GroupBy(r => mix[r]).Sum(g => (long)Math.Min(g.Count(), k));
            var needed = members.Sum(m => (long)Math.Min(options.MinDistinct, m.Count));
            if (available < needed)
            {
                throw new CohortFormationInfeasibleException(nameof(options.MinDistinct),
                    $"These {n} learners cannot give each of {k} cohorts {options.MinDistinct} distinct values of the mixed attribute: the values reach only {available} of the {needed} cohort places needed (MinDistinct).");
            }
        }
    }

    private static void Increment(Dictionary<int, int> counts, int key, int by)
    {
        var v = counts.GetValueOrDefault(key) + by;
        if (v == 0) { counts.Remove(key); } else { counts[key] = v; }
    }
}
