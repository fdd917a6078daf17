using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Cli.Temporal;
using CohortKit.Datasets.Oulad;
using CohortKit.Temporal.Survival;

namespace CohortKit.Cli.Oulad;

/// <summary><c>cohortkit oulad survival</c>: time to withdrawal per module or module presentation, with the survival JSON of
/// <c>cohortkit survival</c>.</summary>
internal static class OuladSurvivalCommand
{
    public static Command Create(CliConsole console)
    {
        var path = OuladCommand.PathOption();
        var by = new Option<string>("--by") { Description = "Group by module (AAA..GGG) or presentation (module presentation, e.g. 'AAA 2013J').", DefaultValueFactory = _ => "module" };
        by.AcceptOnlyFromAmong("module", "presentation");
        var at = new Option<string?>("--at") { Description = "Days to read the curves at, e.g. 30,60,90." };
        var chart = new Option<FileInfo?>("--chart") { Description = "Also draw the curves with their 95% CI bands to this PNG file." };
        var json = CommonOptions.Json();
        var command = new Command("survival", "Time to withdrawal (days from the presentation start; registrations that left on or before day 0 are dropped; others censored at the presentation length), per group, with the log-rank test.")
        {
            path, by, at, chart, json,
        };
        command.SetAction(parse =>
        {
            var times = SurvivalResult.ParseTimes(parse.GetValue(at));
            var chartPath = parse.GetValue(chart) is { } png ? SurvivalResult.ChartPath(png) : null;
            var withdrawal = OuladLoader.Load(parse.GetValue(path)!.FullName).Withdrawal();
            var group = parse.GetValue(by) == "presentation" ? withdrawal.ModulePresentation : withdrawal.Module;
            var comparison = new SurvivalAnalyzer(new SurvivalOptions()).Compare(withdrawal.Time.Span, withdrawal.Withdrew.Span, group);
            var result = SurvivalResult.From(comparison.Overall, comparison.Groups, comparison.LogRank, times);
            return result.Emit(console, chartPath, parse.GetValue(json), "days since the presentation start");
        });
        return command;
    }
}
