using System.Globalization;
using System.Text.Json.Serialization;
using CohortKit.Cli.Output;
using CohortKit.Temporal.Survival;
using Spectre.Console;

namespace CohortKit.Cli.Temporal;

/// <summary>A curve read at one of the <c>--at</c> times.</summary>
internal sealed record SurvivalAtResult(double Time, double Survival, double CiLow, double CiHigh);

/// <summary>One curve of the survival JSON (the contract of <c>cohortkit survival</c> and <c>cohortkit oulad survival</c>).</summary>
internal sealed record SurvivalCurveResult(
    string Group,
    int N,
    int Events,
    IReadOnlyList<double> Time,
    IReadOnlyList<int> NRisk,
    IReadOnlyList<int> NEvent,
    IReadOnlyList<double> Survival,
    IReadOnlyList<double> StandardError,
    IReadOnlyList<double> CiLow,
    IReadOnlyList<double> CiHigh,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Median,
    IReadOnlyList<SurvivalAtResult> At);

/// <summary>The log-rank test in the survival JSON.</summary>
internal sealed record LogRankJson(double ChiSquare, int Df, double PValue);

/// <summary>The JSON document of the survival commands: the curve of all subjects (group "all"), then one per group, and the
/// log-rank test across groups (null without groups).</summary>
internal sealed record SurvivalResult(
    IReadOnlyList<SurvivalCurveResult> Curves,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] LogRankJson? LogRank)
{
    /// <summary>The group name of the curve of all subjects.</summary>
    public const string AllGroup = "all";

    public static SurvivalResult From(KaplanMeierCurve overall, IReadOnlyList<GroupCurve> groups, LogRankResult? logRank, IReadOnlyList<double> at)
    {
        var curves = new List<SurvivalCurveResult> { Curve(AllGroup, overall, at) };
        curves.AddRange(groups.Select(g => Curve(g.Group, g.Curve, at)));
        // Fewer than two groups with an expected event (one group, or no event at all): the test is undefined (R's survdiff
        // refuses one group), so no statistic rather than the library's df 0, p 1.
        return new SurvivalResult(curves, logRank is not { DegreesOfFreedom: > 0 } ? null : new LogRankJson(logRank.ChiSquare, logRank.DegreesOfFreedom, logRank.PValue));
    }

    /// <summary>Draws the chart when asked, then writes the JSON or the table; returns the exit code 0.</summary>
    public int Emit(CliConsole console, string? chartPath, bool json, string timeLabel)
    {
        if (chartPath is not null)
        {
            Charts.SurvivalCurves(this, chartPath, timeLabel);
        }

        if (json)
        {
            console.WriteJson(this);
        }
        else
        {
            WriteTable(console);
        }

        return 0;
    }

    /// <summary>Checks <c>--chart</c> before any work: a file in an existing folder.</summary>
    public static string ChartPath(FileInfo file)
    {
        Similarity.OutputPath.CheckWritable(file.FullName, "--chart");
        return file.FullName;
    }

    /// <summary>Parses <c>--at 30,60,90</c>: finite, non-negative times.</summary>
    public static IReadOnlyList<double> ParseTimes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        return text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && double.IsFinite(t) && t >= 0
                ? t
                : throw new ArgumentException($"--at: '{part}' is not a finite, non-negative time (expected a list such as 30,60,90).")).ToArray();
    }

    public void WriteTable(CliConsole console)
    {
        var at = Curves[0].At.Select(a => a.Time).ToArray();
        var table = new Table().AddColumns("group", "n", "events", "median");
        foreach (var t in at) { table.AddColumn(Markup.Escape($"S({Number(t)}) [95% CI]")); }
        foreach (var c in Curves)
        {
            var cells = new List<string> { Markup.Escape(c.Group), c.N.ToString("N0", CultureInfo.InvariantCulture), c.Events.ToString("N0", CultureInfo.InvariantCulture), c.Median is { } m ? Number(m) : "not reached" };
            cells.AddRange(c.At.Select(a => Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{a.Survival:F3} [{a.CiLow:F3}, {a.CiHigh:F3}]"))));
            table.AddRow(cells.ToArray());
        }

        console.Ansi.Write(table);
        if (LogRank is { } lr)
        {
            console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log-rank: chi-square {lr.ChiSquare:F3} on {lr.Df} df, p = {lr.PValue:G4}"));
        }
    }

    private static SurvivalCurveResult Curve(string group, KaplanMeierCurve c, IReadOnlyList<double> at) => new(
        group, c.SubjectCount, c.EventCount, c.Times, c.AtRisk, c.Events, c.Survival, c.StandardError,
        c.Intervals.Select(i => i.Low).ToArray(), c.Intervals.Select(i => i.High).ToArray(), c.Median,
        at.Select(t => c.At(t)).Select(s => new SurvivalAtResult(s.Time, s.Survival, s.Interval.Low, s.Interval.High)).ToArray());

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
