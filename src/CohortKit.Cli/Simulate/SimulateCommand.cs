using System.CommandLine;
using System.Diagnostics;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using CohortKit.Events;
using CohortKit.Tables;
using CohortKit.Simulation;
using CohortKit.Simulation.Experiments;
using Spectre.Console;

namespace CohortKit.Cli.Simulate;

/// <summary><c>cohortkit simulate</c>: generate a platform and write <c>learners.csv</c> and <c>events.csv</c>.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliConsole console)
    {
        var learners = new Option<int>("--learners") { Description = "Number of learners.", DefaultValueFactory = _ => 10_000 };
        var days = new Option<int>("--days") { Description = "Number of simulated days.", DefaultValueFactory = _ => 90 };
        var seed = CommonOptions.Seed("Seed; the same seed gives the same files.");
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for learners.csv and events.csv (created if missing).", DefaultValueFactory = _ => new DirectoryInfo("cohortkit-data") };
        var experiment = new Option<string>("--experiment") { Description = "Plant an experiment: none, aa or ab.", DefaultValueFactory = _ => "none" };
        experiment.AcceptOnlyFromAmong("none", "aa", "ab");
        var effect = new Option<double>("--effect") { Description = "With --experiment ab: the true relative effect on minutes per session.", DefaultValueFactory = _ => 0.05 };
        var json = CommonOptions.Json();

        var command = new Command("simulate", "Generate a learning platform with known ground truth and write learners.csv and events.csv.")
        {
            learners, days, seed, output, experiment, effect, json,
        };
        command.SetAction(parse =>
        {
            var options = new SimulationOptions
            {
                Learners = parse.GetValue(learners),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                Experiment = parse.GetValue(experiment) switch
                {
                    "aa" => ExperimentDesign.AA(),
                    "ab" => new ExperimentDesign { Effects = [new TrueEffect("treatment", SimulatedMetric.Minutes, parse.GetValue(effect))] },
                    _ => null,
                },
            };
            return Run(console, options, parse.GetValue(output)!, parse.GetValue(json));
        });
        return command;
    }

    private static int Run(CliConsole console, SimulationOptions options, DirectoryInfo outDir, bool json)
    {
        var simulator = new PlatformSimulator(options);
        Directory.CreateDirectory(outDir.FullName);
        var learnersPath = Path.Combine(outDir.FullName, "learners.csv");
        var eventsPath = Path.Combine(outDir.FullName, "events.csv");
        var metricsPath = Path.Combine(outDir.FullName, "learner_metrics.csv");
        var clock = Stopwatch.StartNew();
        SimulatedPlatform? platform = null;
        double generateSeconds = 0;

        void Work(IProgress<double>? generate, IProgress<double>? write)
        {
            platform = simulator.Generate(generate);
            generateSeconds = clock.Elapsed.TotalSeconds;
            LearnerCsv.Save(learnersPath, platform.Learners);
            ActivityCsv.Save(eventsPath, platform.Activity, platform.Learners, write);
            SaveLearnerMetrics(metricsPath, platform);
        }

        if (console.Interactive)
        {
            console.Ansi.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn()).Start(ctx =>
            {
                var g = ctx.AddTask("Simulating", maxValue: 1);
                var w = ctx.AddTask("Writing CSV", maxValue: 1);
                Work(new Progress<double>(v => g.Value = v), new Progress<double>(v => w.Value = v));
                g.Value = 1;
                w.Value = 1;
            });
        }
        else
        {
            Work(null, null);
        }

        var p = platform!;
        var churned = p.Truth.ChurnDay.Count(d => d >= 0 && d < p.Days);
        var result = new SimulateResult(options.Learners, options.Days, options.Seed, p.Activity.EventCount, churned,
            learnersPath, eventsPath, metricsPath, Math.Round(generateSeconds, 3), Math.Round(clock.Elapsed.TotalSeconds - generateSeconds, 3));
        if (json)
        {
            console.WriteJson(result);
        }
        else
        {
            var table = new Table().AddColumns("", "");
            table.AddRow("learners", result.Learners.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("days", result.Days.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("events", result.Events.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("churned in window", result.ChurnedInWindow.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("learners file", Markup.Escape(learnersPath));
            table.AddRow("events file", Markup.Escape(eventsPath));
            table.AddRow("learner metrics file", Markup.Escape(metricsPath));
            table.AddRow("generate / write", $"{result.GenerateSeconds:F2} s / {result.WriteSeconds:F2} s");
            console.Ansi.Write(table);
        }

        return 0;
    }

    /// <summary>The JSON document of <c>cohortkit simulate --json</c>.</summary>
    internal sealed record SimulateResult(int Learners, int Days, long Seed, int Events, int ChurnedInWindow, string LearnersFile, string EventsFile, string LearnerMetricsFile, double GenerateSeconds, double WriteSeconds);

    /// <summary>One row per learner: segment columns, the arm, and activity totals over the window (input for <c>cohortkit experiment</c>).</summary>
    private static void SaveLearnerMetrics(string path, SimulatedPlatform p)
    {
        var all = LearnerActivitySummary.Compute(p.Activity);
        var end = p.StartDate.AddDays(p.Days).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        var lastWeek = LearnerActivitySummary.Compute(p.Activity, end - 7 * TimeSpan.TicksPerDay, end);
        var learners = p.Learners;
        var ids = new long[learners.Count];
        for (var i = 0; i < ids.Length; i++) { ids[i] = learners.Ids[i].Value; }
        var columns = new List<(string, object)> { ("learner_id", ids) };
        foreach (var name in new[] { "arm", "cohort", "domain", "plan", "region", "experience", "device" })
        {
            if (learners.TryGetColumn(name, out var c))
            {
                columns.Add((name, Enumerable.Range(0, c.Count).Select(i => c[i]).ToArray()));
            }
        }

        columns.Add(("sessions", all.Sessions));
        columns.Add(("minutes", all.Minutes.Select(m => Math.Round(m, 2)).ToArray()));
        columns.Add(("lessons", all.Lessons));
        columns.Add(("active_days", all.ActiveDays));
        columns.Add(("active_last_week", lastWeek.ActiveDays.Select(d => d > 0 ? 1.0 : 0.0).ToArray()));
        CsvTable.Save(path, columns);
    }
}
