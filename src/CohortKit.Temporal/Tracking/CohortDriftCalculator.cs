using CohortKit.Experiments;
using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Learners;

namespace CohortKit.Temporal.Tracking;

/// <summary>Per-cohort composition drift (Experiments' chi-square test and population stability index on category counts)
/// and metric drift (Experiments' <see cref="MeasurementDrift.Compare"/> on the members' values).</summary>
internal static class CohortDriftCalculator
{
    public static IReadOnlyList<CohortDrift> Compare(CohortSnapshot before, CohortSnapshot after, CohortTrackerOptions options)
    {
        var beforeRows = SnapshotBuilder.RowsByCode(before.Cohort);
        var afterRows = SnapshotBuilder.RowsByCode(after.Cohort);
        var result = new List<CohortDrift>();
        for (var c = 0; c < beforeRows.Length; c++)
        {
            var name = before.Cohort.Categories[c];
            if (beforeRows[c].Count == 0 || !after.Cohort.TryGetCode(name, out var ac) || afterRows[ac].Count == 0) { continue; }
            var b = beforeRows[c];
            var a = afterRows[ac];
            var composition = new List<CompositionDrift>(before.Attributes.Count);
            for (var k = 0; k < before.Attributes.Count; k++)
            {
                composition.Add(Composition(before.Attributes[k], b, after.Attributes[k], a, options));
            }

            var metrics = b.Count >= 2 && a.Count >= 2 && before.Metrics.Count > 0
                ? MeasurementDrift.Compare(Select(before.Metrics, b), Select(after.Metrics, a), threshold: options.MetricThreshold, alpha: options.Alpha)
                : [];
            result.Add(new CohortDrift { Cohort = name, BeforeSize = b.Count, AfterSize = a.Count, Composition = composition.AsReadOnly(), Metrics = metrics });
        }

        return result.AsReadOnly();
    }

    private static CompositionDrift Composition(CategoricalColumn before, List<int> beforeRows, CategoricalColumn after, List<int> afterRows, CohortTrackerOptions options)
    {
        // Categories by name: the earlier column's order, then names only the later one has.
        var names = new List<string>(before.Categories);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++) { index[names[i]] = i; }
        foreach (var name in after.Categories)
        {
            if (index.TryAdd(name, names.Count)) { names.Add(name); }
        }

        var afterIndex = after.Categories.Select(n => index[n]).ToArray();
        var countsBefore = new double[names.Count];
        var countsAfter = new double[names.Count];
        var beforeCodes = before.Codes;
        var afterCodes = after.Codes;
        foreach (var r in beforeRows) { countsBefore[beforeCodes[r]]++; }
        foreach (var r in afterRows) { countsAfter[afterIndex[afterCodes[r]]]++; }

        // Only the categories seen in either period: a column of zeros has no expected count.
        var seen = Enumerable.Range(0, names.Count).Where(j => countsBefore[j] + countsAfter[j] > 0).ToArray();
        ChiSquareResult? test = null;
        if (seen.Length >= 2)
        {
            var table = new long[2, seen.Length];
            for (var j = 0; j < seen.Length; j++)
            {
                table[0, j] = (long)countsBefore[seen[j]];
                table[1, j] = (long)countsAfter[seen[j]];
            }

            test = ChiSquareTest.Independence(table, yatesCorrection: false);
        }

        var psi = MeasurementDrift.PopulationStabilityIndexOfCounts(Pick(countsBefore, seen), Pick(countsAfter, seen));
        return new CompositionDrift
        {
            Attribute = before.Name,
            Categories = seen.Select(j => names[j]).ToArray(),
            BeforeShares = seen.Select(j => countsBefore[j] / beforeRows.Count).ToArray(),
            AfterShares = seen.Select(j => countsAfter[j] / afterRows.Count).ToArray(),
            Test = test,
            PopulationStabilityIndex = psi,
            Flagged = test is { } t && t.PValue < options.Alpha && psi > options.CompositionThreshold,
        };
    }

    private static double[] Pick(double[] counts, int[] indices) => indices.Select(j => counts[j]).ToArray();

    private static MetricColumn[] Select(IReadOnlyList<MetricColumn> metrics, List<int> rows)
        => metrics.Select(m =>
        {
            var values = m.Values.Span;
            var picked = new double[rows.Count];
            for (var i = 0; i < picked.Length; i++) { picked[i] = values[rows[i]]; }
            return new MetricColumn(m.Name, picked);
        }).ToArray();
}
