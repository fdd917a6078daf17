using CohortKit.Errors;
using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using CohortKit.Temporal.Retention;

namespace CohortKit.Cli.Temporal;

/// <summary><c>cohortkit retention</c>: a cohort × period retention matrix from learners.csv and events.csv.</summary>
internal static class RetentionCommand
{
    public static Command Create(CliConsole console)
    {
        var learners = new Option<FileInfo>("--learners") { Description = "learners.csv (learner_id, signup_date, attributes).", Required = true };
        var events = new Option<FileInfo>("--events") { Description = "events.csv (learner_id, timestamp, kind, value).", Required = true };
        var cohort = new Option<string>("--cohort") { Description = "signup-week, signup-month, signup-day, or an attribute column of learners.csv.", DefaultValueFactory = _ => "signup-week" };
        var period = new Option<string>("--period") { Description = "day, week or month, counted from each learner's signup.", DefaultValueFactory = _ => "week" };
        period.AcceptOnlyFromAmong("day", "week", "month");
        var kind = new Option<string>("--kind") { Description = "n-day (active in period k) or unbounded (active in k or later).", DefaultValueFactory = _ => "n-day" };
        kind.AcceptOnlyFromAmong("n-day", "unbounded");
        var periods = new Option<int>("--periods") { Description = "Number of periods, from period 0.", DefaultValueFactory = _ => 12 };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for retention.csv and average.csv (created if missing)." };
        var json = CommonOptions.Json();
        var command = new Command("retention", "Cohort x period retention (N-day or unbounded) with Wilson CIs; cells not fully inside the observed window are null.")
        {
            learners, events, cohort, period, kind, periods, output, json,
        };
        command.SetAction(parse =>
        {
            var count = parse.GetValue(periods);
            if (count is < 1 or > RetentionAnalyzer.MaxPeriods)
            {
                throw new ArgumentException($"--periods: {count} is outside [1, {RetentionAnalyzer.MaxPeriods}].");
            }

            var cohortBy = parse.GetValue(cohort)!;
            var definition = new RetentionDefinition
            {
                CohortBy = cohortBy switch
                {
                    "signup-week" => CohortGrouping.SignupWeek,
                    "signup-month" => CohortGrouping.SignupMonth,
                    "signup-day" => CohortGrouping.SignupDay,
                    _ => CohortGrouping.Attribute,
                },
                Attribute = cohortBy,
                Period = parse.GetValue(period) switch { "day" => RetentionPeriod.Day, "month" => RetentionPeriod.Month, _ => RetentionPeriod.Week },
                Kind = parse.GetValue(kind) == "unbounded" ? RetentionKind.Unbounded : RetentionKind.NDay,
                Periods = count,
            };
            var learnerTable = LearnerCsv.Load(parse.GetValue(learners)!.FullName);
            if (definition.CohortBy == CohortGrouping.Attribute && !learnerTable.TryGetColumn(cohortBy, out _))
            {
                throw new ArgumentException($"--cohort: '{cohortBy}' is neither signup-week, signup-month nor signup-day, nor a column of {parse.GetValue(learners)!.Name} ({string.Join(", ", learnerTable.Columns.Select(c => c.Name))}).");
            }

            var eventsFile = parse.GetValue(events)!;
            var log = ActivityCsv.Load(eventsFile.FullName, learnerTable, rejectEventsBeforeSignup: true);
            RetentionMatrix matrix;
            try
            {
                matrix = new RetentionAnalyzer(new RetentionOptions()).Compute(learnerTable, log, definition);
            }
            catch (ArgumentException ex) when (ex.ParamName == "log")
            {
                throw new ArgumentException($"{eventsFile.Name}: {ex.WithoutParameterName()}", ex);
            }

            Emit(console, matrix, parse.GetValue(output), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>Writes the files (with <c>--out</c>), then the JSON or the table.</summary>
    public static void Emit(CliConsole console, RetentionMatrix matrix, DirectoryInfo? output, bool json)
    {
        if (output is not null)
        {
            RetentionResult.WriteFiles(matrix, output.FullName);
        }

        var result = RetentionResult.From(matrix);
        if (json)
        {
            console.WriteJson(result);
        }
        else
        {
            result.WriteTable(console);
        }
    }
}
