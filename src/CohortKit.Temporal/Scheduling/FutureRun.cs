using CohortKit.Features;

namespace CohortKit.Temporal.Scheduling;

/// <summary>One simulated future: re-formation at each cadence, and per current cohort its members' mean similarity per
/// member-week and moves per member-week.</summary>
internal sealed class FutureRun(ICohortReformer reformer, FeatureMatrix[] weeks, IReadOnlyList<int> cohortOf, int[] cohorts)
{
    /// <returns>[cadence][cohort index] = (mean similarity, moves per member-week).</returns>
    public (double Similarity, double Moves)[][] Run(ReformationCadence[] cadences, int horizon, CancellationToken cancellationToken)
    {
        var rows = weeks[0].Rows;
        var index = cohorts.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => x.k);
        var memberOf = cohortOf.Select(c => index[c]).ToArray();
        var sizes = new int[cohorts.Length];
        foreach (var k in memberOf) { sizes[k]++; }

        // The formation of each week is shared by every cadence that re-forms then (the reformer is deterministic).
        var formed = new int[]?[horizon + 1];
        int[] FormedAt(int w) => formed[w] ??= reformer.Form(weeks[w]);

        var result = new (double, double)[cadences.Length][];
        var member = new double[rows];
        for (var c = 0; c < cadences.Length; c++)
        {
            var period = (int)cadences[c];
            var similarity = new double[cohorts.Length];
            var moved = new double[cohorts.Length];
            var assignment = FormedAt(0);
            for (var w = 1; w <= horizon; w++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (w % period == 0)
                {
                    var next = FormedAt(w);
                    var stays = Continuity(assignment, next);
                    for (var i = 0; i < rows; i++) { if (!stays[i]) { moved[memberOf[i]]++; } }
                    assignment = next;
                }

                reformer.MemberSimilarity(weeks[w], assignment, member);
                for (var i = 0; i < rows; i++) { similarity[memberOf[i]] += member[i]; }
            }

            result[c] = Enumerable.Range(0, cohorts.Length).Select(k => (similarity[k] / (sizes[k] * (double)horizon), moved[k] / (sizes[k] * (double)horizon))).ToArray();
        }

        return result;
    }

    /// <summary>Which learners stay with their cohort: new cohorts are matched to old ones by the largest overlaps first (each
    /// at most once); a learner whose (old, new) pair is not matched moved.</summary>
    internal static bool[] Continuity(int[] before, int[] after)
    {
        var overlap = new Dictionary<(int Old, int New), int>();
        for (var i = 0; i < before.Length; i++)
        {
            var key = (before[i], after[i]);
            overlap[key] = overlap.GetValueOrDefault(key) + 1;
        }

        var usedOld = new HashSet<int>();
        var usedNew = new HashSet<int>();
        var matched = new HashSet<(int, int)>();
        foreach (var (pair, _) in overlap.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Old).ThenBy(p => p.Key.New))
        {
            if (usedOld.Contains(pair.Old) || usedNew.Contains(pair.New)) { continue; }
            usedOld.Add(pair.Old);
            usedNew.Add(pair.New);
            matched.Add(pair);
        }

        var stays = new bool[before.Length];
        for (var i = 0; i < before.Length; i++) { stays[i] = matched.Contains((before[i], after[i])); }
        return stays;
    }
}
