using System.Diagnostics.CodeAnalysis;
using System.CommandLine;
using System.Globalization;
using CohortKit.Churn.EarlyWarning;
using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Churn.Tabular;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using Spectre.Console;

namespace CohortKit.Cli.Churn;

/// <summary><c>cohortkit churn train</c>: the early-warning model on CohortKit's own learners.csv and events.csv.</summary>
internal static class TrainCommand
{
    public static Command Create(CliConsole console)
    {
        var learners = new Option<FileInfo>("--learners") { Description = "learners.csv (CohortKit format).", Required = true };
        var events = new Option<FileInfo>("--events") { Description = "events.csv (CohortKit format).", Required = true };
        var asOf = new Option<DateOnly>("--as-of") { Description = "Train on features as of this date (yyyy-MM-dd) and the churn that follows it.", Required = true };
        var lead = LeadOption();
        var inactivity = new Option<int>("--inactivity") { Description = "Days without activity that count as churn.", DefaultValueFactory = _ => 14 };
        var model = ChurnOptions.Model();
        var output = new Option<FileInfo?>("--out") { Description = "Write the fitted model (JSON) here, for churn score." };
        var temporal = new Option<bool>("--temporal")
        {
            Description = "Add Temporal's weekly engagement state (temporal_state=<state> indicators) and its churn hazard (temporal_hazard, a Markov transition matrix fitted on the periods up to --as-of) as features; the model file keeps both for churn score.",
        };
        var json = CommonOptions.Json();
        var command = new Command("train", "Train the early-warning churn model; evaluate it one week later (a time-based split) when the data allows.")
        {
            learners, events, asOf, lead, inactivity, model, output, temporal, json,
        };
        command.SetAction(parse =>
        {
            var (start, end) = ParseLead(parse.GetValue(lead)!);
            var builder = new EarlyWarningDataBuilder(new EarlyWarningOptions { LeadStartDays = start, LeadEndDays = end, InactivityDays = parse.GetValue(inactivity) });
            var people = LearnerCsv.Load(parse.GetValue(learners)!.FullName);
            var log = ActivityCsv.Load(parse.GetValue(events)!.FullName, people);
            var day = parse.GetValue(asOf);
            var states = parse.GetValue(temporal) ? FitTemporal(people, log, day) : null;
            var (trainFeatures, trainLabels) = Rows(builder, people, log, day, null, states);
            var fitted = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = parse.GetValue(model) }).Fit(trainFeatures, trainLabels);
            if (states is not null) { fitted = fitted.WithTemporal(states); }
            if (parse.GetValue(output) is { } file)
            {
                using var stream = File.Create(file.FullName);
                fitted.Save(stream);
            }

            ChurnEvaluation? test = null;
            var testDay = day.AddDays(7);
            try
            {
                var (testFeatures, testLabels) = Rows(builder, people, log, testDay, fitted.FeatureNames, fitted.Temporal);
                var scores = new double[testFeatures.Rows];
                fitted.PredictProbabilities(testFeatures, scores);
                test = ChurnMetrics.Evaluate(scores, testLabels);
            }
            catch (ArgumentException)
            {
                // the data ends too soon for a later week, or it has one class only: no out-of-time evaluation
            }

            var report = new TrainReport
            {
                AsOf = day,
                TrainRows = trainFeatures.Rows,
                TrainPositives = trainLabels.Count(y => y),
                TestAsOf = test is null ? null : testDay,
                Test = test is null ? null : new ChurnMetricsReport(test),
                Model = parse.GetValue(output)?.FullName,
                Temporal = states is not null,
            };
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                console.Ansi.WriteLine($"Trained on {report.TrainRows} learners ({report.TrainPositives} churn in the window) as of {day:yyyy-MM-dd}.");
                if (report.Test is { } t)
                {
                    console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Out of time ({testDay:yyyy-MM-dd}): ROC AUC {t.Auc:0.000}, PR AUC {t.PrAuc:0.000}, balanced accuracy {t.BalancedAccuracy:0.000}, accuracy {t.Accuracy:0.000} (majority {t.MajorityAccuracy:0.000}), top-10 % precision {t.TopDecilePrecision:0.000} recall {t.TopDecileRecall:0.000}."));
                }
            }

            return 0;
        });
        return command;
    }

    public static Option<string> LeadOption() => new("--lead") { Description = "The label window in days after the as-of date, START-END: churn in (as-of + START, as-of + END].", DefaultValueFactory = _ => "7-14" };

    public static (int Start, int End) ParseLead(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > a
            ? (a, b)
            : throw new ArgumentException($"--lead {text}: expected START-END in days with END > START, e.g. 7-14.");
    }

    /// <summary>Temporal's state model (default rules) and hazard fitted on the periods up to the training as-of date only.</summary>
    private static TemporalStateFeatures FitTemporal(CohortKit.Learners.LearnerAttributes people, CohortKit.Events.ActivityLog log, DateOnly day)
    {
        try
        {
            return TemporalStateFeatures.Fit(people, log, day);
        }
        catch (ArgumentException e) when (e.ParamName is "log" or "trainUntil")
        {
            throw new ArgumentException($"--temporal: {e.Message.Split(" (Parameter")[0]}", e);
        }
    }

    /// <summary>The eligible learners' features and labels as of a day.</summary>
    internal static (CohortKit.Features.FeatureMatrix Features, bool[] Labels) Rows(EarlyWarningDataBuilder builder, CohortKit.Learners.LearnerAttributes people, CohortKit.Events.ActivityLog log, DateOnly day, IReadOnlyList<string>? names, TemporalStateFeatures? temporal)
    {
        EarlyWarningLabels labels;
        try
        {
            labels = builder.Labels(people, log, day);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "asOf")
        {
            throw new ArgumentException($"--as-of {day:yyyy-MM-dd}: {e.Message.Split(" (Parameter")[0]}", e);
        }

        var features = builder.Features(people, log, day, names, temporal);
        var rows = Enumerable.Range(0, people.Count).Where(r => labels.Eligible.Span[r]).ToArray();
        if (rows.Length == 0) { throw new ArgumentException($"--as-of {day:yyyy-MM-dd}: no learner is in the population (signed up and not yet churned); the training set is empty."); }
        return (CrossValidator.Subset(features, rows), rows.Select(r => labels.Churns.Span[r]).ToArray());
    }
}

/// <summary>The JSON of <c>churn train</c>.</summary>
internal sealed record TrainReport
{
    public required DateOnly AsOf { get; init; }

    public required int TrainRows { get; init; }

    public required int TrainPositives { get; init; }

    public DateOnly? TestAsOf { get; init; }

    public ChurnMetricsReport? Test { get; init; }

    public string? Model { get; init; }

    public required bool Temporal { get; init; }
}

/// <summary>The test metrics every churn command prints, named as in the issue's JSON contracts (one list of fields, inherited
/// by each command's report so that the names cannot drift apart).</summary>
internal abstract record ChurnMetricFields
{
    [SetsRequiredMembers]
    protected ChurnMetricFields(ChurnEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        PositiveRate = e.PositiveRate;
        Auc = e.Auc;
        PrAuc = e.PrAuc;
        Accuracy = e.Accuracy;
        MajorityAccuracy = e.MajorityAccuracy;
        BalancedAccuracy = e.BalancedAccuracy;
        Brier = e.Brier;
        TopDecilePrecision = e.TopPrecision;
        TopDecileRecall = e.TopRecall;
    }

    public required double PositiveRate { get; init; }

    public required double Auc { get; init; }

    public required double PrAuc { get; init; }

    public required double Accuracy { get; init; }

    public required double MajorityAccuracy { get; init; }

    public required double BalancedAccuracy { get; init; }

    public required double Brier { get; init; }

    public required double TopDecilePrecision { get; init; }

    public required double TopDecileRecall { get; init; }
}

/// <summary>The metrics of a held-out evaluation: its rows and the shared metric fields.</summary>
internal sealed record ChurnMetricsReport : ChurnMetricFields
{
    public required int Rows { get; init; }

    [SetsRequiredMembers]
    public ChurnMetricsReport(ChurnEvaluation e)
        : base(e) => Rows = e.Count;
}
