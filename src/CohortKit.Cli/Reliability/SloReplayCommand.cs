using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using CohortKit.Cli.Output;
using CohortKit.Errors;
using CohortKit.Reliability.Slo;
using CohortKit.Tables;
using Spectre.Console;

namespace CohortKit.Cli.Reliability;

/// <summary>One alert firing in the <c>slo replay</c> JSON.</summary>
internal sealed record SloAlertResult(
    string Severity,
    string LongWindow,
    string ShortWindow,
    double BurnRate,
    long FiredAtMinute,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? ClearedAtMinute);

/// <summary>The JSON document of <c>cohortkit slo replay</c> (a contract: scripts depend on it exactly).</summary>
internal sealed record SloReplayReport(double Objective, double BudgetConsumed, IReadOnlyList<SloAlertResult> Alerts);

/// <summary><c>cohortkit slo replay</c>: replays per-minute request counts through the SLO engine with the workbook's
/// multi-window, multi-burn-rate alerts and reports when each alert fired and cleared.</summary>
internal static class SloReplayCommand
{
    /// <summary>The longest <c>--period</c>: 400 days, 576,000 one-minute buckets (a 36,500-day period took 1.28 GB).</summary>
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(400);

    public static Command Create(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with columns minute,total,errors: request counts per minute from minute 0.", Required = true };
        var objective = CommonOptions.Number("--objective", "The objective, strictly between 0 and 1 (e.g. 0.999).");
        var period = new Option<string>("--period") { Description = "The SLO period, e.g. 30d, 4w, 7d: whole minutes, from 3d to 400d.", DefaultValueFactory = _ => "30d" };
        var chart = new Option<FileInfo?>("--chart") { Description = "Also draw each rule's per-minute burn rates, thresholds and firing intervals to this PNG file." };
        var json = CommonOptions.Json();
        var replay = new Command("replay", "Replay per-minute counts; page at 14.4x over 1h/5m and 6x over 6h/30m, ticket at 1x over 3d/6h; report when each alert fired and cleared.")
        {
            input, objective, period, chart, json,
        };
        replay.SetAction(parse =>
        {
            var chartPath = parse.GetValue(chart)?.FullName;
            if (chartPath is not null)
            {
                Similarity.OutputPath.CheckWritable(chartPath, "--chart"); // before any work: a file in an existing folder
            }

            var options = new SloOptions { Objective = Objective(parse.GetValue(objective)), Period = Period(parse.GetValue(period)!) };
            var minutes = Read(CsvTable.Load(parse.GetValue(input)!.FullName));
            var result = OptionFlags.Rename(() => SloReplay.Run(minutes, options), o => o switch
            {
                nameof(SloOptions.Objective) => "--objective",
                nameof(SloOptions.Period) => "--period",
                _ when o.EndsWith(".LongWindow", StringComparison.Ordinal) => "--period",
                _ => null,
            });
            var report = new SloReplayReport(result.Objective, result.BudgetConsumed, result.Alerts.Select(a => new SloAlertResult(
                a.Severity == AlertSeverity.Page ? "page" : "ticket", SloDuration.Format(a.LongWindow), SloDuration.Format(a.ShortWindow),
                a.BurnRate, a.FiredAtMinute, a.ClearedAtMinute)).ToList());
            if (chartPath is not null)
            {
                SloBurnRateChart.Draw(result, chartPath);
            }

            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                Write(console, report);
            }

            return 0;
        });
        return new Command("slo", "Service-level objectives: error budgets and burn-rate alerts.") { replay };
    }

    /// <summary>The objective, refused with the reason when it is outside (0, 1) or so low that a workbook rule could never fire
    /// (burn × (1 − objective) ≥ 1 is an error ratio above 100 %; the CLI has no way to change the rules).</summary>
    private static double Objective(double value)
    {
        if (!(value is > 0 and < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--objective {value}: must be strictly between 0 and 1 (e.g. 0.999)."));
        }

        var top = BurnRateAlertRule.WorkbookDefaults().MaxBy(r => r.BurnRate)!;
        if (top.BurnRate * (1 - value) >= 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--objective {value}: the workbook's page rule ({top.BurnRate}x over {SloDuration.Format(top.LongWindow)}/{SloDuration.Format(top.ShortWindow)}) could never fire, since {top.BurnRate} x (1 - objective) must be below 1; the objective must be above 1 - 1/{top.BurnRate} {SmallestFiring(top.BurnRate)}."));
        }

        return value;
    }

    /// <summary>The boundary 1 − 1/burn to seven decimals and the smallest five-decimal objective at which a rule of this burn
    /// rate can fire, by the same test as above (for 14.4: 0.9305556 and 0.93056; rounding the boundary to 0.9306 overstated it).</summary>
    private static string SmallestFiring(double burnRate)
    {
        const double scale = 100_000;
        var boundary = 1 - (1 / burnRate);
        var candidate = Math.Ceiling(boundary * scale) / scale;
        while (burnRate * (1 - candidate) >= 1)
        {
            candidate = Math.Round(candidate + (1 / scale), 5);
        }

        return string.Create(CultureInfo.InvariantCulture, $"= {boundary:0.0000000}…; {candidate:0.#####} is accepted");
    }

    /// <summary>The period, refused with the reason when it is not a duration or is shorter than the longest workbook window.</summary>
    private static TimeSpan Period(string text)
    {
        TimeSpan period;
        try
        {
            period = SloDuration.Parse(text);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"--period {text}: {ex.WithoutParameterName()}", ex);
        }

        var longest = BurnRateAlertRule.WorkbookDefaults().Max(r => r.LongWindow);
        if (period < longest)
        {
            throw new ArgumentException($"--period {text}: must be at least {SloDuration.Format(longest)}, the longest window of the workbook's alert rules.");
        }

        if (period > MaxPeriod)
        {
            throw new ArgumentException($"--period {text}: must be at most {SloDuration.Format(MaxPeriod)}; the replay keeps one bucket per minute of the period.");
        }

        if (period.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException($"--period {text}: must be a whole number of minutes (the replay counts requests per minute).");
        }

        return period;
    }

    /// <summary>Reads minute,total,errors, naming the file, data row and value of a negative count, errors above the total,
    /// or minutes out of order.</summary>
    private static List<MinuteCounts> Read(CsvTable table)
    {
        var minute = table.Integers("minute");
        var total = table.Integers("total");
        var errors = table.Integers("errors");
        if (minute.Length == 0)
        {
            throw new CsvFormatException(table.FileName, 1, null, null, "The file has a header but no rows; a replay needs at least one minute.");
        }

        var rows = new List<MinuteCounts>(minute.Length);
        long sum = 0;
        for (var i = 0; i < minute.Length; i++)
        {
            var row = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (minute[i] < 0 || (i > 0 && minute[i] <= minute[i - 1]))
            {
                throw new ArgumentException($"{table.FileName}: column 'minute', data row {row}, value {minute[i]}: minutes must start at 0 or later and increase from row to row.");
            }

            if (total[i] < 0)
            {
                throw new ArgumentException($"{table.FileName}: column 'total', data row {row}, value {total[i]}: a count cannot be negative.");
            }

            if (errors[i] < 0 || errors[i] > total[i])
            {
                throw new ArgumentException($"{table.FileName}: column 'errors', data row {row}, value {errors[i]}: errors must be between 0 and the row's total ({total[i]}).");
            }

            if (minute[i] >= SloReplay.MaxMinutes)
            {
                throw new ArgumentException($"{table.FileName}: column 'minute', data row {row}, value {minute[i]}: a replay covers at most {SloReplay.MaxMinutes} minutes (two years); minutes count from the start of the series, not from the Unix epoch.");
            }

            if (total[i] > SloReplay.MaxTotalRequests - sum)
            {
                throw new ArgumentException($"{table.FileName}: column 'total', data row {row}, value {total[i]}: the file's requests add up to more than 2^53 ({SloReplay.MaxTotalRequests}), where counts stop being exact.");
            }

            sum += total[i];
            rows.Add(new MinuteCounts(minute[i], total[i], errors[i]));
        }

        return rows;
    }

    private static void Write(CliConsole console, SloReplayReport report)
    {
        console.Ansi.MarkupLine(CultureInfo.InvariantCulture, "Objective {0}, error budget consumed {1:P2}", report.Objective, report.BudgetConsumed);
        var table = new Table().AddColumns("severity", "long", "short", "burn rate", "fired at minute", "cleared at minute");
        foreach (var a in report.Alerts)
        {
            table.AddRow(a.Severity, a.LongWindow, a.ShortWindow, a.BurnRate.ToString(CultureInfo.InvariantCulture),
                a.FiredAtMinute.ToString(CultureInfo.InvariantCulture), a.ClearedAtMinute?.ToString(CultureInfo.InvariantCulture) ?? "still firing");
        }

        if (report.Alerts.Count == 0)
        {
            console.Ansi.MarkupLine("No alert fired.");
        }
        else
        {
            console.Ansi.Write(table);
        }
    }
}
