using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Errors;
using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Tables;
using CohortKit.Temporal.Tracking;
using Spectre.Console;

namespace CohortKit.Cli.Temporal;

/// <summary><c>cohortkit track</c>: cohort membership per period from one CSV (period, learner_id, cohort), appended to a
/// <see cref="CohortTracker"/>; the migration flows between two periods (and their Sankey chart), and each cohort's
/// composition and metric drift.</summary>
internal static class TrackCommand
{
    private const string PeriodColumn = "period";
    private const string LearnerColumn = "learner_id";
    private const string CohortColumn = "cohort";

    public static Command Create(CliConsole console)
    {
        var snapshots = new Option<FileInfo>("--snapshots") { Description = "CSV with one row per learner and period: period (yyyy-MM-dd), learner_id, cohort, and any attribute or metric columns.", Required = true };
        var attributes = new Option<string?>("--attributes") { Description = "Categorical columns whose mix within each cohort is checked for drift, e.g. region,device." };
        var metrics = new Option<string?>("--metrics") { Description = "Numeric columns whose cohort means are checked for drift, e.g. minutes,score." };
        var from = new Option<string?>("--from") { Description = "The earlier period to compare (default: the second-to-last period)." };
        var to = new Option<string?>("--to") { Description = "The later period to compare (default: the last period)." };
        var chart = new Option<FileInfo?>("--chart") { Description = "Also draw the migration flows as a Sankey chart to this PNG file." };
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var command = new Command("track", "Track cohorts over time: membership and metrics per period, migration flows between two periods (Sankey data and chart), and per-cohort composition and metric drift.")
        {
            snapshots, attributes, metrics, from, to, chart, alpha, json,
        };
        command.SetAction(parse =>
        {
            var chartPath = parse.GetValue(chart) is { } png ? SurvivalResult.ChartPath(png) : null;
            var fromDay = ParseDay(parse.GetValue(from), "--from");
            var toDay = ParseDay(parse.GetValue(to), "--to");
            var tracker = OptionFlags.Rename(() => new CohortTracker(new CohortTrackerOptions { Alpha = parse.GetValue(alpha) }), o => o == nameof(CohortTrackerOptions.Alpha) ? "--alpha" : null);
            var table = CsvTable.Load(parse.GetValue(snapshots)!.FullName);
            Load(tracker, table, Names(parse.GetValue(attributes)), Names(parse.GetValue(metrics)));
            var periods = tracker.Snapshots;
            if (periods.Count < 2)
            {
                throw new ArgumentException($"{table.FileName}: column '{PeriodColumn}' has {periods.Count} period; tracking compares two, so at least two are needed.");
            }

            var a = fromDay ?? (toDay is { } t ? periods.Where(s => s.Period < t).Select(s => s.Period).DefaultIfEmpty(t).Last() : periods[^2].Period);
            var b = toDay ?? periods[^1].Period;
            var result = Rethrow(() => TrackResult.Of(tracker, a, b));
            if (chartPath is not null) { SankeyChart.Draw(result, chartPath); }
            if (parse.GetValue(json)) { console.WriteJson(result); }
            else { Write(console, result); }
            return 0;
        });
        return command;
    }

    // The library names its parameters 'from' and 'to'; the user typed --from and --to.
    private static TrackResult Rethrow(Func<TrackResult> run)
    {
        try
        {
            return run();
        }
        catch (ArgumentException ex) when (ex.ParamName is "from" or "to")
        {
            throw new ArgumentException($"--{ex.ParamName}: {ex.WithoutParameterName()}", ex);
        }
    }

    private static void Load(CohortTracker tracker, CsvTable table, string[] attributeNames, string[] metricNames)
    {
        var periodCells = table.Categorical(PeriodColumn);
        var ids = table.Integers(LearnerColumn);
        var cohorts = table.Categorical(CohortColumn);
        var attributeColumns = attributeNames.Select(table.Categorical).ToArray();
        BlankValues.Refuse(table, cohorts, "cohort");
        foreach (var attribute in attributeColumns) { BlankValues.Refuse(table, attribute, "attribute"); }
        var metricColumns = metricNames.Select(table.Numeric).ToArray();
        var days = periodCells.Categories.Select(c => DateOnly.TryParseExact(c, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new ArgumentException($"{table.FileName}: column '{PeriodColumn}', data row {periodCells.Codes.IndexOf(periodCells.TryGetCode(c, out var code) ? code : -1) + 1}, value '{c}': a period is a date, yyyy-MM-dd.")).ToArray();
        var rowsByPeriod = Enumerable.Range(0, table.RowCount).GroupBy(r => days[periodCells.Codes[r]]).OrderBy(g => g.Key);
        foreach (var group in rowsByPeriod)
        {
            var rows = group.ToArray();
            var seen = new Dictionary<long, int>();
            foreach (var r in rows)
            {
                if (!seen.TryAdd(ids[r], r))
                {
                    throw new ArgumentException($"{table.FileName}: column '{LearnerColumn}', data row {r + 1}, value {ids[r]}: the learner is already in period {group.Key:yyyy-MM-dd} (data row {seen[ids[r]] + 1}); a learner is in one cohort per period.");
                }
            }

            tracker.Append(group.Key,
                rows.Select(r => new LearnerId(ids[r])).ToArray(),
                Subset(cohorts, rows),
                attributeColumns.Select(c => Subset(c, rows)).ToArray(),
                metricNames.Select((name, k) => new MetricColumn(name, rows.Select(r => metricColumns[k][r]).ToArray())).ToArray());
        }
    }

    private static CategoricalColumn Subset(CategoricalColumn column, int[] rows) => CategoricalColumn.Encode(column.Name, rows.Select(r => column[r]));

    private static string[] Names(string? list) => string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static DateOnly? ParseDay(string? text, string flag)
        => text is null ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw new ArgumentException($"{flag}: '{text}' is not a date (yyyy-MM-dd).");

    private static void Write(CliConsole console, TrackResult r)
    {
        console.Ansi.WriteLine($"Migration from {r.From} to {r.To}:");
        var flows = new Table().AddColumns("from", "to", "kind", "learners");
        foreach (var f in r.Flows)
        {
            flows.AddRow(Markup.Escape(f.Source ?? "(entered)"), Markup.Escape(f.Target ?? "(left)"), f.Kind, f.Count.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Ansi.Write(flows);
        var drift = new Table().AddColumns("cohort", "size", "what", "before", "after", "p", "PSI", "flagged");
        foreach (var d in r.Drift)
        {
            var size = string.Create(CultureInfo.InvariantCulture, $"{d.BeforeSize:N0} → {d.AfterSize:N0}");
            foreach (var c in d.Composition)
            {
                drift.AddRow(Markup.Escape(d.Cohort), size, Markup.Escape(c.Attribute), Markup.Escape(Shares(c.Categories, c.BeforeShares)), Markup.Escape(Shares(c.Categories, c.AfterShares)),
                    c.PValue is { } p ? p.ToString("G3", CultureInfo.InvariantCulture) : "-", c.Psi.ToString("F4", CultureInfo.InvariantCulture), c.Flagged ? "yes" : "");
            }

            foreach (var m in d.Metrics)
            {
                drift.AddRow(Markup.Escape(d.Cohort), size, Markup.Escape(m.Metric), m.BeforeMean.ToString("G4", CultureInfo.InvariantCulture), m.AfterMean.ToString("G4", CultureInfo.InvariantCulture),
                    m.PValue.ToString("G3", CultureInfo.InvariantCulture), m.Psi.ToString("F4", CultureInfo.InvariantCulture), m.Flagged ? "yes" : "");
            }

            if (d.Composition.Count == 0 && d.Metrics.Count == 0) { drift.AddRow(Markup.Escape(d.Cohort), size, "", "", "", "", "", ""); }
        }

        console.Ansi.WriteLine($"Drift per cohort from {r.From} to {r.To} (p-values not adjusted for multiplicity):");
        console.Ansi.Write(drift);
    }

    private static string Shares(IReadOnlyList<string> categories, IReadOnlyList<double> shares)
        => string.Join(" ", categories.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{c} {shares[i]:P0}")));
}
