using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Cli.Temporal;
using CohortKit.Datasets.Oulad;
using CohortKit.Temporal.Retention;

namespace CohortKit.Cli.Oulad;

/// <summary><c>cohortkit oulad retention</c>: weekly N-day retention per module presentation from the weekly VLE clicks.</summary>
internal static class OuladRetentionCommand
{
    /// <summary>Weeks 0–37: the longest presentations run 269 days, so week 37 (days 259–265) is the last complete one;
    /// shorter presentations (234 days and up) have null for the weeks that do not end inside them.</summary>
    public const int Weeks = 38;

    public static Command Create(CliConsole console)
    {
        var path = OuladCommand.PathOption();
        var json = CommonOptions.Json();
        var command = new Command("retention", $"Weekly N-day retention (a week with VLE clicks) per module presentation, weeks 0-{Weeks - 1} from each presentation's start.")
        {
            path, json,
        };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(path)!.FullName;
            var registrations = OuladLoader.Load(directory);
            var log = OuladLoader.LoadWeeklyActivity(directory, registrations);
            var learners = registrations.ToLearnerAttributes();
            // Observed from the first presentation's start to the last presentation's last day; each registration only to
            // its own presentation's last day (module_presentation_length), so weeks after a presentation ends are null, not 0.
            var first = registrations.Presentation.Categories.Min(OuladRegistrations.StartDate);
            var through = Enumerable.Range(0, registrations.Count).Select(r => OuladRegistrations.StartDate(registrations.Presentation[r]).AddDays(registrations.ModuleLengths[r] - 1)).ToArray();
            var last = through.Max();
            var matrix = new RetentionAnalyzer(new RetentionOptions()).Compute(learners, log, new RetentionDefinition
            {
                CohortBy = CohortGrouping.Attribute,
                Attribute = "module_presentation",
                Period = RetentionPeriod.Week,
                Kind = RetentionKind.NDay,
                Periods = Weeks,
                Window = new ObservationWindow(first, last),
                LearnerObservedThrough = through,
            });
            RetentionCommand.Emit(console, matrix, null, parse.GetValue(json));
            return 0;
        });
        return command;
    }
}
