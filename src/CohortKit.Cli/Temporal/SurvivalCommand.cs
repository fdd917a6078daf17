using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Errors;
using CohortKit.Tables;
using CohortKit.Temporal.Survival;

namespace CohortKit.Cli.Temporal;

/// <summary><c>cohortkit survival</c>: Kaplan–Meier curves (all subjects, then per group) and the log-rank test, from a
/// CSV with one row per subject.</summary>
internal static class SurvivalCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with one row per subject.", Required = true };
        var time = new Option<string>("--time") { Description = "Column with each subject's time (finite, >= 0).", Required = true };
        var died = new Option<string>("--event") { Description = "Column with 1 when the event happened at that time, 0 when censored.", Required = true };
        var group = new Option<string?>("--group") { Description = "Column to compare groups by (adds one curve per value and the log-rank test)." };
        var at = new Option<string?>("--at") { Description = "Times to read the curves at, e.g. 30,60,90." };
        var chart = new Option<FileInfo?>("--chart") { Description = "Also draw the curves with their 95% CI bands to this PNG file." };
        var json = CommonOptions.Json();
        var command = new Command("survival", "Kaplan-Meier survival with Greenwood errors and log CIs (as R survfit), medians, and the log-rank test across groups.")
        {
            input, time, died, group, at, chart, json,
        };
        command.SetAction(parse =>
        {
            var times = SurvivalResult.ParseTimes(parse.GetValue(at));
            var chartPath = parse.GetValue(chart) is { } png ? SurvivalResult.ChartPath(png) : null;
            var table = CsvTable.Load(parse.GetValue(input)!.FullName);
            var (t, d) = Read(table, parse.GetValue(time)!, parse.GetValue(died)!);
            var analyzer = new SurvivalAnalyzer(new SurvivalOptions());
            SurvivalResult result;
            if (parse.GetValue(group) is { } groupColumn)
            {
                var groups = table.Categorical(groupColumn);
                BlankValues.Refuse(table, groups, "group");
                if (groups.TryGetCode(SurvivalResult.AllGroup, out var allCode))
                {
                    throw new ArgumentException($"{table.FileName}: column '{groups.Name}', data row {groups.Codes.IndexOf(allCode) + 1}: the group value '{SurvivalResult.AllGroup}' is the name of the curve of all subjects; rename the group.");
                }

                var comparison = analyzer.Compare(t, d, groups);
                result = SurvivalResult.From(comparison.Overall, comparison.Groups, comparison.LogRank, times);
            }
            else
            {
                result = SurvivalResult.From(analyzer.KaplanMeier(t, d), [], null, times);
            }

            return result.Emit(console, chartPath, parse.GetValue(json), "time");
        });
        return command;
    }

    /// <summary>Reads the time and event columns, naming the column and data row of a negative time or an event that is not 0/1.</summary>
    private static (double[] Time, bool[] Died) Read(CsvTable table, string timeColumn, string eventColumn)
    {
        var t = table.Numeric(timeColumn);
        var e = table.Numeric(eventColumn);
        var died = new bool[e.Length];
        for (var row = 0; row < t.Length; row++)
        {
            if (t[row] < 0)
            {
                throw Bad(table, row, timeColumn, t[row], "A time cannot be negative.");
            }

            died[row] = e[row] switch
            {
                1 => true,
                0 => false,
                _ => throw Bad(table, row, eventColumn, e[row], "The event indicator must be 0 (censored) or 1 (event)."),
            };
        }

        if (t.Length == 0)
        {
            throw new CsvFormatException(table.FileName, 1, null, null, "The file has a header but no rows; survival needs at least one subject.");
        }

        return (t, died);
    }

    private static ArgumentException Bad(CsvTable table, int row, string column, double value, string problem)
        => new($"{table.FileName}: column '{column}', data row {(row + 1).ToString(CultureInfo.InvariantCulture)}, value {value.ToString(CultureInfo.InvariantCulture)}: {problem}");
}
