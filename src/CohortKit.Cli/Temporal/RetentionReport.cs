using System.Globalization;
using System.Text.Json.Serialization;
using CohortKit.Cli.Output;
using CohortKit.Tables;
using CohortKit.Temporal.Retention;
using Spectre.Console;

namespace CohortKit.Cli.Temporal;

/// <summary>The observed window in the retention JSON.</summary>
internal sealed record RetentionWindowResult(string Start, string End);

/// <summary>One cohort row of the retention JSON; unobserved cells are null.</summary>
internal sealed record RetentionCohortResult(string Cohort, int Size, IReadOnlyList<int?> Retained, IReadOnlyList<double?> Rate);

/// <summary>One point of the size-weighted average curve; null where no cohort is observed.</summary>
internal sealed record RetentionAverageResult(
    int Period,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Rate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CiLow,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CiHigh);

/// <summary>The JSON document of <c>cohortkit retention</c> and <c>cohortkit oulad retention</c>.</summary>
internal sealed record RetentionResult(string CohortBy, string Period, string Kind, RetentionWindowResult Window, IReadOnlyList<RetentionCohortResult> Cohorts, IReadOnlyList<RetentionAverageResult> Average, int LearnersOutsideWindow)
{
    public static RetentionResult From(RetentionMatrix m) => new(
        m.CohortBy switch
        {
            CohortGrouping.SignupDay => "signup-day",
            CohortGrouping.SignupWeek => "signup-week",
            CohortGrouping.SignupMonth => "signup-month",
            _ => m.Attribute!,
        },
        m.Period switch { RetentionPeriod.Day => "day", RetentionPeriod.Week => "week", _ => "month" },
        m.Kind switch { RetentionKind.NDay => "n-day", RetentionKind.Unbounded => "unbounded", _ => "bracket" },
        new RetentionWindowResult(Date(m.Window.Start), Date(m.Window.End)),
        m.Cohorts.Select(c => new RetentionCohortResult(c.Cohort, c.Size, c.Retained, c.Rate)).ToArray(),
        m.Average.Select(a => new RetentionAverageResult(a.Period, a.Rate, a.Interval?.Low, a.Interval?.High)).ToArray(),
        m.LearnersOutsideWindow);

    /// <summary>Writes <c>retention.csv</c> (one row per cohort and period; empty where unobserved), <c>average.csv</c> and
    /// <c>retention_heatmap.png</c> to <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> WriteFiles(RetentionMatrix m, string directory)
    {
        if (File.Exists(directory))
        {
            throw new ArgumentException($"--out {directory} is a file; give a folder.");
        }

        Directory.CreateDirectory(directory);
        var width = m.Columns.Count;
        var rows = m.Cohorts.SelectMany(c => Enumerable.Range(0, width).Select(j => (Cohort: c, Period: j))).ToList();
        var cells = Path.Combine(directory, "retention.csv");
        CsvTable.Save(cells,
        [
            CsvColumn.Of("cohort", rows.Select(r => r.Cohort.Cohort).ToArray()),
            CsvColumn.Of("size", rows.Select(r => r.Cohort.Size).ToArray()),
            CsvColumn.Of("period", rows.Select(r => r.Period).ToArray()),
            CsvColumn.Of("retained", rows.Select(r => Text(r.Cohort.Retained[r.Period])).ToArray()),
            CsvColumn.Of("rate", rows.Select(r => Text(r.Cohort.Rate[r.Period])).ToArray()),
            CsvColumn.Of("ci_low", rows.Select(r => Text(r.Cohort.Intervals[r.Period]?.Low)).ToArray()),
            CsvColumn.Of("ci_high", rows.Select(r => Text(r.Cohort.Intervals[r.Period]?.High)).ToArray()),
        ]);
        var average = Path.Combine(directory, "average.csv");
        CsvTable.Save(average,
        [
            CsvColumn.Of("period", m.Average.Select(a => a.Period).ToArray()),
            CsvColumn.Of("learners", m.Average.Select(a => a.Learners).ToArray()),
            CsvColumn.Of("rate", m.Average.Select(a => Text(a.Rate)).ToArray()),
            CsvColumn.Of("ci_low", m.Average.Select(a => Text(a.Interval?.Low)).ToArray()),
            CsvColumn.Of("ci_high", m.Average.Select(a => Text(a.Interval?.High)).ToArray()),
        ]);
        var heatmap = Path.Combine(directory, "retention_heatmap.png");
        Charts.RetentionHeatmap(m, heatmap);
        return [cells, average, heatmap];
    }

    public void WriteTable(CliConsole console)
    {
        var table = new Table().AddColumns("cohort", "size");
        for (var j = 0; j < Average.Count; j++) { table.AddColumn(j.ToString(CultureInfo.InvariantCulture)); }
        foreach (var c in Cohorts)
        {
            table.AddRow([Markup.Escape(c.Cohort), c.Size.ToString("N0", CultureInfo.InvariantCulture), .. c.Rate.Select(r => r is { } v ? v.ToString("P0", CultureInfo.InvariantCulture) : "")]);
        }

        table.AddRow(["average", "", .. Average.Select(a => a.Rate is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "")]);
        console.Ansi.WriteLine($"{Kind} retention by {Period}, cohorts by {CohortBy}, window {Window.Start} .. {Window.End} (blank: not fully observed)");
        console.Ansi.Write(table);
        console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{LearnersOutsideWindow:N0} learners signed up outside the window and are not counted."));
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
