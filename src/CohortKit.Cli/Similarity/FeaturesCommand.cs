using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using CohortKit.Similarity.Features;
using Spectre.Console;

namespace CohortKit.Cli.Similarity;

/// <summary>The JSON document of <c>cohortkit features</c>.</summary>
internal sealed record FeaturesResult(int Learners, int Dimensions, string Start, int Days, string File);

/// <summary><c>cohortkit features</c>: standardised learner feature vectors from learners and events.</summary>
internal static class FeaturesCommand
{
    public static Command Create(CliConsole console)
    {
        var learners = new Option<FileInfo>("--learners") { Description = "learners.csv.", Required = true };
        var events = new Option<FileInfo>("--events") { Description = "events.csv.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The features CSV to write (learner_id, then one column per feature).", Required = true };
        var startOption = new Option<DateOnly?>("--start") { Description = "First day of the window (yyyy-MM-dd); default: the first event's day." };
        var daysOption = new Option<int?>("--days") { Description = "Window length in days (≥ 7); default: through the last event." };
        var json = CommonOptions.Json();
        var command = new Command("features", "Build standardised learner feature vectors (time of day, weekday, weekly activity, engagement, profile) from learners and events.")
        {
            learners, events, output, startOption, daysOption, json,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(output)!.FullName;
            OutputPath.CheckWritable(file, "--out");
            var l = LearnerCsv.Load(parse.GetValue(learners)!.FullName);
            var log = ActivityCsv.Load(parse.GetValue(events)!.FullName, l);
            if (log.EventCount == 0)
            {
                throw new ArgumentException("The events file has no events; features need activity.");
            }

            var first = new DateTime(log.Timestamps.ToArray().Min(), DateTimeKind.Utc);
            var last = new DateTime(log.Timestamps.ToArray().Max(), DateTimeKind.Utc);
            var start = parse.GetValue(startOption) ?? DateOnly.FromDateTime(first);
            var days = parse.GetValue(daysOption) ?? Math.Max(7, DateOnly.FromDateTime(last).DayNumber - start.DayNumber + 1);
            if (days < 7)
            {
                throw new ArgumentException($"--days must be at least 7 (got {days}).");
            }

            var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(l, log, start, days);
            FeatureCsv.Save(file, l.Ids.ToArray(), features);
            var result = new FeaturesResult(features.Rows, features.Dimensions, start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), days, file);
            if (parse.GetValue(json)) { console.WriteJson(result); }
            else { console.Ansi.MarkupLine($"Wrote {features.Rows:N0} × {features.Dimensions} features ({start:yyyy-MM-dd}, {days} days) to {Markup.Escape(result.File)}"); }
            return 0;
        });
        return command;
    }
}
