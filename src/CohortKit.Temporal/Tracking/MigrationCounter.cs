namespace CohortKit.Temporal.Tracking;

/// <summary>Counts the flows between two snapshots: one dictionary lookup per learner of the later snapshot.</summary>
internal static class MigrationCounter
{
    private const int Outside = -1;

    public static MigrationFlows Count(CohortSnapshot before, CohortSnapshot after)
    {
        // Cohorts are matched by name: the later snapshot's names are mapped onto one list of nodes.
        var beforeNames = before.Cohort.Categories;
        var afterNames = after.Cohort.Categories;
        var sourceOf = new Dictionary<Learners.LearnerId, int>(before.Learners.Count);
        var beforeCodes = before.Cohort.Codes;
        for (var i = 0; i < before.Learners.Count; i++) { sourceOf[before.Learners[i]] = beforeCodes[i]; }

        // counts[source + 1, target + 1]; index 0 is "outside" on either side.
        var counts = new long[beforeNames.Count + 1, afterNames.Count + 1];
        var afterCodes = after.Cohort.Codes;
        for (var i = 0; i < after.Learners.Count; i++)
        {
            var source = sourceOf.Remove(after.Learners[i], out var s) ? s : Outside;
            counts[source + 1, afterCodes[i] + 1]++;
        }

        foreach (var s in sourceOf.Values) { counts[s + 1, Outside + 1]++; }

        var flows = new List<MigrationFlow>();
        // Sources in the earlier order then entries; targets in the later order then exits.
        for (var s = 0; s <= beforeNames.Count; s++)
        {
            var source = s == beforeNames.Count ? Outside : s;
            for (var t = 0; t <= afterNames.Count; t++)
            {
                var target = t == afterNames.Count ? Outside : t;
                var count = counts[source + 1, target + 1];
                if (count == 0) { continue; }
                string? from = source == Outside ? null : beforeNames[source];
                string? to = target == Outside ? null : afterNames[target];
                var kind = from is null ? MigrationKind.Entered : to is null ? MigrationKind.Left : from == to ? MigrationKind.Stayed : MigrationKind.Moved;
                flows.Add(new MigrationFlow { Source = from, Target = to, Kind = kind, Count = count });
            }
        }

        return new MigrationFlows { From = before.Period, To = after.Period, Flows = flows.AsReadOnly() };
    }
}
