using System.Collections.ObjectModel;
using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Metrics;

namespace CohortKit.Temporal.Tracking;

/// <summary>Checks and copies one period's columns into an immutable <see cref="CohortSnapshot"/>.</summary>
internal static class SnapshotBuilder
{
    public static CohortSnapshot Build(DateOnly period, IReadOnlyList<LearnerId> learners, CategoricalColumn cohort,
        IReadOnlyList<CategoricalColumn> attributes, IReadOnlyList<MetricColumn> metrics)
    {
        var n = learners.Count;
        if (n == 0) { throw new ArgumentException($"The snapshot of {period:yyyy-MM-dd} has no learners.", nameof(learners)); }
        var seen = new HashSet<LearnerId>(n);
        for (var i = 0; i < n; i++)
        {
            if (!seen.Add(learners[i])) { throw new ArgumentException($"Learner {learners[i]} appears twice (row {i}); a learner is in one cohort per period.", nameof(learners)); }
        }

        RequireRows(cohort, n, nameof(cohort));
        RequireDistinct(attributes.Select(a => a.Name), nameof(attributes));
        RequireDistinct(metrics.Select(m => m.Name), nameof(metrics));
        foreach (var a in attributes) { RequireRows(a, n, nameof(attributes)); }
        foreach (var m in metrics)
        {
            if (m.Values.Length != n) { throw new ArgumentException($"Metric '{m.Name}' has {m.Values.Length} rows but there are {n} learners.", nameof(metrics)); }
            Guard.Finite(m.Values.Span, $"Metric '{m.Name}'", nameof(metrics));
        }

        var cohortCopy = Copy(cohort);
        var metricCopies = metrics.Select(m => new MetricColumn(m.Name, m.Values.ToArray())).ToArray();
        return new CohortSnapshot
        {
            Period = period,
            Learners = Array.AsReadOnly(learners.ToArray()),
            Cohort = cohortCopy,
            Attributes = Array.AsReadOnly(attributes.Select(Copy).ToArray()),
            Metrics = Array.AsReadOnly(metricCopies),
            Cohorts = Summaries(cohortCopy, metricCopies),
        };
    }

    public static void RequireSameNames(IEnumerable<string> expected, IEnumerable<string> actual, string parameter)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        if (!e.SequenceEqual(a, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The columns are [{string.Join(", ", a)}] but every snapshot must have those of the first: [{string.Join(", ", e)}].", parameter);
        }
    }

    /// <summary>Row indices of each cohort code, in code order.</summary>
    public static List<int>[] RowsByCode(CategoricalColumn column)
    {
        var rows = new List<int>[column.Categories.Count];
        for (var c = 0; c < rows.Length; c++) { rows[c] = []; }
        var codes = column.Codes;
        for (var i = 0; i < codes.Length; i++) { rows[codes[i]].Add(i); }
        return rows;
    }

    private static ReadOnlyCollection<CohortSummary> Summaries(CategoricalColumn cohort, MetricColumn[] metrics)
    {
        var result = new List<CohortSummary>();
        var rowsByCode = RowsByCode(cohort);
        for (var c = 0; c < rowsByCode.Length; c++)
        {
            var rows = rowsByCode[c];
            if (rows.Count == 0) { continue; }
            var summaries = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
            foreach (var m in metrics)
            {
                var values = m.Values.Span;
                var summary = MetricSummary.Empty;
                foreach (var r in rows) { summary = summary.Add(values[r]); }
                summaries[m.Name] = summary;
            }

            result.Add(new CohortSummary { Cohort = cohort.Categories[c], Size = rows.Count, Metrics = new ReadOnlyDictionary<string, MetricSummary>(summaries) });
        }

        return result.AsReadOnly();
    }

    private static CategoricalColumn Copy(CategoricalColumn column) => new(column.Name, [.. column.Categories], column.Codes.ToArray());

    private static void RequireRows(CategoricalColumn column, int n, string parameter)
    {
        if (column.Count != n) { throw new ArgumentException($"Column '{column.Name}' has {column.Count} rows but there are {n} learners.", parameter); }
    }

    private static void RequireDistinct(IEnumerable<string> names, string parameter)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name)) { throw new ArgumentException($"Two columns are named '{name}'.", parameter); }
        }
    }
}
