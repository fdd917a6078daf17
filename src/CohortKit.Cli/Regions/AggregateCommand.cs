using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Regions.Analytics;
using CohortKit.Regions.Audit;
using CohortKit.Regions.Stores;
using Spectre.Console;

namespace CohortKit.Cli.Regions;

/// <summary>One group of <c>cohortkit regions aggregate</c>; a suppressed group has no numbers (they are omitted from the JSON).</summary>
internal sealed record RegionsAggregateGroup(string Group, long? N, double? Mean, double? Variance, bool Suppressed);

/// <summary>The JSON document of <c>cohortkit regions aggregate</c> (a contract: scripts depend on it exactly).</summary>
internal sealed record RegionsAggregateReport(IReadOnlyList<RegionsAggregateGroup> Groups, int RegionsMerged);

/// <summary><c>cohortkit regions aggregate</c>: the global result merged from per-region summaries of the per-learner total of
/// <c>events.value</c> for kind <c>session</c> (a learner with no session counts as 0), grouped by a column of <c>learners</c>.</summary>
internal static class AggregateCommand
{
    public static Command Create(CliConsole console)
    {
        var dataDir = RegionsCommand.DataDir();
        var metric = new Option<string>("--metric") { Description = "The metric: minutes (per-learner total of session minutes).", Required = true };
        var by = new Option<string>("--by") { Description = $"A column of learners to group by: {string.Join(", ", RegionSchema.GroupColumns)}.", Required = true };
        var k = new Option<int>("--k") { Description = "k-anonymity: a group with fewer learners (in any region holding some of them) is suppressed.", DefaultValueFactory = _ => 20 };
        var json = CommonOptions.Json();
        var command = new Command("aggregate", "Per-region summaries merged into global group statistics (n, mean, sample variance), groups below k suppressed.")
        {
            dataDir, metric, by, k, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(metric) != "minutes") { throw new ArgumentException($"--metric '{parse.GetValue(metric)}': unknown metric; the only metric is minutes."); }
            var column = RegionSchema.CheckGroupColumn(parse.GetValue(by)!, "--by");
            var kValue = parse.GetValue(k);
            if (kValue < 2) { throw new ArgumentException($"--k {kValue}: must be at least 2."); }
            var dir = RegionsDataDir.Existing(parse.GetValue(dataDir)!);
            GlobalAggregate global;
            using (var audit = AuditLog.Open(dir.AuditPath))
            {
                var stores = dir.OpenStores();
                try
                {
                    var aggregator = new RegionalAggregator(kValue, audit);
                    global = aggregator.Merge(aggregator.SummariseAll(stores, "session", column));
                }
                finally
                {
                    foreach (var s in stores) { s.Dispose(); }
                }
            }

            var report = new RegionsAggregateReport(
                [.. global.Groups.Select(g => g.Suppressed
                    ? new RegionsAggregateGroup(g.Group, null, null, null, true)
                    : new RegionsAggregateGroup(g.Group, g.Summary!.Value.Count, g.Summary.Value.Mean, g.Summary.Value.Variance, false))],
                global.RegionsMerged);
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return 0;
            }

            var table = new Table().AddColumns(column, "n", "mean", "variance", "suppressed");
            foreach (var g in report.Groups)
            {
                table.AddRow(Markup.Escape(g.Group), g.N?.ToString(CultureInfo.InvariantCulture) ?? "", Text(g.Mean), Text(g.Variance), g.Suppressed ? "yes" : "");
            }

            console.Ansi.Write(table);
            console.Ansi.WriteLine($"{report.RegionsMerged} regions merged; k = {kValue}");
            return 0;
        });
        return command;
    }

    private static string Text(double? value) => value?.ToString("G6", CultureInfo.InvariantCulture) ?? "";
}
