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
        command.SetAction((parse, cancellationToken) =>
        {
            var experimentName = parse.GetValue(experiment);
            var effectResult = parse.GetResult(effect);
            if (effectResult is { Implicit: false } && experimentName != "ab")
            {
                throw new ArgumentException($"--effect: it applies only with --experiment ab (not '{experimentName}').");
            }

            var effectValue = parse.GetValue(effect);
            if (!(effectValue > MinEffect && effectValue <= MaxEffect))
            {
                throw new ArgumentException($"--effect: {effectValue.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside ({MinEffect}, {MaxEffect}]: a relative effect on minutes per session of at most +1,000 %.");
            }

            var options = new SimulationOptions
            {
                Learners = parse.GetValue(learners),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                Experiment = experimentName switch
                {
                    "aa" => ExperimentDesign.AA(),
                    "ab" => new ExperimentDesign { Effects = [new TrueEffect("treatment", SimulatedMetric.Minutes, effectValue)] },
                    _ => null,
                },
            };
            return Task.FromResult(Run(console, options, parse.GetValue(output)!, parse.GetValue(json), cancellationToken));
        });
        return command;
    }

    private const double MinEffect = -1;
    private const double MaxEffect = 10;

    /// <summary>The command-line spelling of each <see cref="SimulationOptions"/> property the command sets.</summary>
    private static readonly Dictionary<string, string> OptionNames = new(StringComparer.Ordinal)
    {
        [nameof(SimulationOptions.Learners)] = "--learners",
        [nameof(SimulationOptions.Days)] = "--days",
        [nameof(SimulationOptions.Seed)] = "--seed",
    };

    private static PlatformSimulator CreateSimulator(SimulationOptions options)
        => OptionFlags.Rename(() => new PlatformSimulator(options), name => OptionNames.GetValueOrDefault(name));

    /// <summary>Generates and writes the three files under temporary names, renaming them together at the end; on failure or
    /// cancellation deletes the temporaries and says so, leaving any earlier outputs untouched.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="options">The simulation.</param>
    /// <param name="outDir">The output folder.</param>
    /// <param name="json">Print JSON.</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    /// <param name="writeProgress">Progress of writing events.csv when not interactive (tests use it to cancel mid-write).</param>
    internal static int Run(CliConsole console, SimulationOptions options, DirectoryInfo outDir, bool json, CancellationToken cancellationToken,
        IProgress<double>? writeProgress = null)
    {
        if (File.Exists(outDir.FullName))
        {
            throw new ArgumentException($"--out: '{outDir.FullName}' is a file; give a folder (created if missing).");
        }

        var simulator = CreateSimulator(options);
        var outputs = new OutputFiles(outDir.FullName, "learners.csv", "events.csv", "learner_metrics.csv");
        if (outputs.Final.FirstOrDefault(Directory.Exists) is { } blocked)
        {
            throw new ArgumentException($"--out: '{blocked}' is a folder, so the output file cannot be written there.");
        }

        try
        {
            Directory.CreateDirectory(outDir.FullName);
        }
        catch (IOException ex)
        {
            throw new ArgumentException($"--out: the folder '{outDir.FullName}' cannot be created ({ex.Message.TrimEnd('.')}).", ex);
        }
        var clock = Stopwatch.StartNew();
        SimulatedPlatform? platform = null;
        double generateSeconds = 0;

        void Work(IProgress<double>? generate, IProgress<double>? write)
        {
            try
            {
                platform = simulator.Generate(generate, cancellationToken);
            }
            catch (SimulationTooLargeException ex)
            {
                throw new ArgumentException($"--learners × --days: {ex.Learners:N0} × {ex.Days:N0} would produce about {ex.EstimatedEvents:N0} events, "
                    + (ex.MaximumEvents > 0
                        ? $"but at most about {ex.MaximumEvents:N0} fit in memory here; simulate fewer learners or days."
                        : "but the learners alone do not fit in memory here; simulate fewer learners."), ex);
            }

            generateSeconds = clock.Elapsed.TotalSeconds;
            LearnerCsv.Save(outputs.Temporary[0], platform.Learners);
            cancellationToken.ThrowIfCancellationRequested();
            ActivityCsv.Save(outputs.Temporary[1], platform.Activity, platform.Learners, write, cancellationToken);
            SaveLearnerMetrics(outputs.Temporary[2], platform);
            cancellationToken.ThrowIfCancellationRequested();
            outputs.Commit();
        }

        try
        {
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
                Work(null, writeProgress);
            }
        }
        catch (Exception ex)
        {
            var removed = outputs.DeleteTemporaries();
            var note = removed == 0 ? "" : $" (removed {removed} partial file{(removed == 1 ? "" : "s")}; nothing in {outDir.FullName} was replaced)";
            return CliApp.Report(console, CliApp.Unwrap(ex), note);
        }

        var p = platform!;
        var churned = p.Truth.ChurnDay.Count(d => d >= 0 && d < p.Days);
        var result = new SimulateResult(options.Learners, options.Days, options.Seed, p.Activity.EventCount, churned,
            outputs.Final[0], outputs.Final[1], outputs.Final[2], Math.Round(generateSeconds, 3), Math.Round(clock.Elapsed.TotalSeconds - generateSeconds, 3));
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
            table.AddRow("learners file", Markup.Escape(result.LearnersFile));
            table.AddRow("events file", Markup.Escape(result.EventsFile));
            table.AddRow("learner metrics file", Markup.Escape(result.LearnerMetricsFile));
            table.AddRow("generate / write", $"{result.GenerateSeconds:F2} s / {result.WriteSeconds:F2} s");
            console.Ansi.Write(table);
        }

        return 0;
    }

    /// <summary>The JSON document of <c>cohortkit simulate --json</c>.</summary>
    internal sealed record SimulateResult(int Learners, int Days, long Seed, int Events, int ChurnedInWindow, string LearnersFile, string EventsFile, string LearnerMetricsFile, double GenerateSeconds, double WriteSeconds);

    private static double[] Map(ReadOnlyMemory<double> values, Func<double, double> f)
    {
        var result = new double[values.Length];
        for (var i = 0; i < result.Length; i++) { result[i] = f(values.Span[i]); }
        return result;
    }

    /// <summary>One row per learner: segment columns, the arm, and activity totals over the window (input for <c>cohortkit experiment</c>).</summary>
    private static void SaveLearnerMetrics(string path, SimulatedPlatform p)
    {
        var all = LearnerActivitySummary.Compute(p.Activity);
        var end = p.StartDate.AddDays(p.Days).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        var lastWeek = LearnerActivitySummary.Compute(p.Activity, end - 7 * TimeSpan.TicksPerDay, end);
        var learners = p.Learners;
        var ids = new long[learners.Count];
        for (var i = 0; i < ids.Length; i++) { ids[i] = learners.Ids[i].Value; }
        var columns = new List<CsvColumn> { CsvColumn.Of("learner_id", ids) };
        foreach (var name in new[] { "arm", "cohort", "domain", "plan", "region", "experience", "device" })
        {
            if (learners.TryGetColumn(name, out var c))
            {
                columns.Add(CsvColumn.Of(c));
            }
        }

        columns.Add(CsvColumn.Of("sessions", all.Sessions));
        columns.Add(CsvColumn.Of("minutes", Map(all.Minutes, m => Math.Round(m, 2))));
        columns.Add(CsvColumn.Of("lessons", all.Lessons));
        columns.Add(CsvColumn.Of("active_days", all.ActiveDays));
        columns.Add(CsvColumn.Of("active_last_week", Map(lastWeek.ActiveDays, d => d > 0 ? 1.0 : 0.0)));
        CsvTable.Save(path, columns);
    }
}
