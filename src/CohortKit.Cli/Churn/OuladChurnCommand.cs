using System.Diagnostics.CodeAnalysis;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using CohortKit.Churn.Models;
using CohortKit.Churn.Oulad;
using CohortKit.Cli.Output;
using Spectre.Console;

namespace CohortKit.Cli.Churn;

/// <summary><c>cohortkit churn oulad</c>: issue 11's OULAD tasks, trained on the 2013 presentations and tested on the 2014 ones,
/// beside the peer's test AUC (scikit-learn HistGradientBoosting on weekly clicks, demographics and assessments, quoted in the issue).</summary>
internal static class OuladChurnCommand
{
    /// <summary>The parquet folder, looked for beside the OULAD folder as the shared data sets lay it out.</summary>
    private const string ParquetFolder = "oulad_studentvle_parquet";

    public static Command Create(CliConsole console)
    {
        var path = new Option<DirectoryInfo>("--path")
        {
            Description = $"The OULAD folder (studentInfo.csv, studentRegistration.csv, courses.csv, assessments.csv, studentAssessment.csv, vle.csv); the daily clicks are read from {ParquetFolder}/ beside it (or studentVle_ds/ inside it).",
            Required = true,
        };
        var task = new Option<string>("--task") { Description = "eventual: final_result = Withdrawn predicted as of one day; early-warning: withdrawal in (D+7, D+14] at weekly days D.", Required = true };
        task.AcceptOnlyFromAmong("eventual", "early-warning");
        var asOf = new Option<int?>("--as-of") { Description = "The as-of day (from the presentation start) of --task eventual; default 30." };
        var charts = new Option<DirectoryInfo?>("--charts") { Description = "Write roc.png and calibration.png (and lead-time.png for early-warning) into this folder." };
        var select = new Option<bool>("--select")
        {
            Description = "Choose the model among a fixed grid of FastTree and LightGBM settings by 5-fold cross-validation on the 2013 rows (folds by registration); the test set sees only the chosen model.",
        };
        var ensemble = new Option<bool>("--ensemble")
        {
            Description = "Train the model (or, with --select, every candidate) as a calibration ensemble of 5 fold models, each Platt-calibrated on its own fold and averaged on the log-odds scale.",
        };
        var pool = new Option<int>("--pool-days")
        {
            Description = "--task eventual: also train on the 2013 rows as of D - N and D + N (0: day D only; at most 60). The test rows stay those of day D.",
        };
        var json = CommonOptions.Json();
        var command = new Command("oulad", "OULAD withdrawal: eventual (as of day 14/30/60/90) or the 7-14-day early warning; train on 2013, test on 2014, beside the peer's AUC.")
        {
            path, task, asOf, charts, select, ensemble, pool, json,
        };
        command.SetAction(parse =>
        {
            var kind = parse.GetValue(task) == "eventual" ? OuladChurnTask.Eventual : OuladChurnTask.EarlyWarning;
            var day = parse.GetValue(asOf);
            if (kind == OuladChurnTask.EarlyWarning && day is not null)
            {
                throw new ArgumentException("--as-of applies to --task eventual only; the early warning uses every weekly day.");
            }

            var poolDays = parse.GetValue(pool);
            if (poolDays is < 0 or > 60) { throw new ArgumentException($"--pool-days {poolDays}: must be from 0 to 60."); }
            if (kind == OuladChurnTask.EarlyWarning && poolDays != 0)
            {
                throw new ArgumentException("--pool-days applies to --task eventual only; the early warning's rows are already weekly.");
            }

            var directory = parse.GetValue(path)!.FullName;
            if (!Directory.Exists(directory)) { throw new DirectoryNotFoundException($"--path {directory}: the folder does not exist."); }
            var chartDirectory = parse.GetValue(charts)?.FullName;
            var data = OuladChurnData.Load(directory, FindParquet(directory));
            OuladChurnResult result;
            try
            {
                var asEnsemble = parse.GetValue(ensemble);
                Func<ChurnTrainerOptions, ChurnTrainerOptions> shape = o => asEnsemble ? OuladChurnStudy.AsEnsemble(o) : o;
                var study = parse.GetValue(select)
                    ? new OuladChurnStudy([.. OuladChurnStudy.SelectionCandidates().Select(shape)]) { PoolDays = poolDays }
                    : new OuladChurnStudy(shape(new ChurnTrainerOptions())) { PoolDays = poolDays };
                result = study.Run(data, kind, day ?? 30);
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "asOfDay")
            {
                throw new ArgumentException($"--as-of {day}: {e.Message.Split(" (Parameter")[0]}", e);
            }

            var report = OuladChurnReport.From(result, parse.GetValue(task)!);
            if (chartDirectory is not null) { report = report with { Charts = Draw(result, report, chartDirectory) }; }
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                Print(console, report);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The peer's test AUC from issue 11 (scikit-learn HistGradientBoosting on weekly clicks, demographics and assessments).</summary>
    public static double? PeerAuc(OuladChurnTask task, int? asOf) => task == OuladChurnTask.EarlyWarning
        ? 0.763
        : asOf switch { 14 => 0.649, 30 => 0.698, 60 => 0.693, 90 => 0.702, _ => null };

    private static string FindParquet(string directory)
    {
        string[] candidates = [Path.Combine(directory, "studentVle_ds"), Path.Combine(directory, ParquetFolder), Path.Combine(Path.GetDirectoryName(directory) ?? directory, ParquetFolder)];
        return candidates.FirstOrDefault(Directory.Exists)
            ?? throw new DirectoryNotFoundException($"--path {directory}: the daily clicks were not found (looked for {string.Join(", ", candidates)}); see the data set's SOURCE.md.");
    }

    private static List<string> Draw(OuladChurnResult result, OuladChurnReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var name = report.Task == "eventual" ? $"eventual withdrawal as of day {report.AsOf}" : "7-14-day early warning";
        var peer = report.PeerAuc is { } p ? string.Create(CultureInfo.InvariantCulture, $" (peer {p:0.000})") : "";
        var files = new List<string> { Path.Combine(directory, "roc.png"), Path.Combine(directory, "calibration.png") };
        ChurnCharts.Roc(result.Test, result.Auc, $"OULAD {name}, 2014 test{peer}", files[0]);
        ChurnCharts.Calibration(result.Test, $"OULAD {name}: calibration on 2014", files[1]);
        if (result.LeadTimes is { } lead)
        {
            files.Add(Path.Combine(directory, "lead-time.png"));
            ChurnCharts.LeadTimes(lead.Days, lead.Withdrawals, "First alert before withdrawal (top 10 % risk)", files[2]);
        }

        return files;
    }

    private static void Print(CliConsole console, OuladChurnReport r)
    {
        var what = r.Task == "eventual" ? $"Eventual withdrawal as of day {r.AsOf}" : "Early warning (withdrawal in (D+7, D+14], weekly D)";
        var days = r.TrainingDays is { Count: > 1 } pooled ? $", as of days {string.Join(", ", pooled)}" : "";
        var model = r.Ensemble ? " by a calibration ensemble" : "";
        console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: trained{model} on {r.TrainRows:N0} rows (2013{days}), tested on {r.TestRows:N0} rows (2014), positive rate {r.PositiveRate:0.0000}."));
        var peer = r.PeerAuc is { } p ? string.Create(CultureInfo.InvariantCulture, $"; peer {p:0.000}") : "";
        console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ROC AUC {r.Auc:0.000} (95% CI {r.AucInterval.Low:0.000}-{r.AucInterval.High:0.000}{peer}), PR AUC {r.PrAuc:0.000}, Brier {r.Brier:0.0000}."));
        console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Balanced accuracy {r.BalancedAccuracy:0.000}, accuracy {r.Accuracy:0.000} (majority class {r.MajorityAccuracy:0.000}); top 10 %: precision {r.TopDecilePrecision:0.000}, recall {r.TopDecileRecall:0.000}."));
        if (r.LeadTime is { } l)
        {
            console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Lead time: {l.Alerted:N0} of {l.Withdrawals:N0} withdrawals alerted first {l.Median} days before (quartiles {l.Q1}-{l.Q3}, range {l.Min}-{l.Max})."));
        }

        if (r.Selection is { } s)
        {
            var aucs = string.Join(", ", s.CandidateAuc.Select((a, i) => string.Create(CultureInfo.InvariantCulture, $"{s.Candidates[i]} {a:0.0000}")));
            console.Ansi.WriteLine($"Chosen by {s.Folds}-fold cross-validation on 2013: {s.Candidates[s.SelectedIndex]} (mean fold AUC: {aucs}).");
        }

        foreach (var file in r.Charts ?? []) { console.Ansi.WriteLine($"Wrote {file}"); }
    }
}

/// <summary>The JSON of <c>churn oulad</c>: the issue's fields, then the AUC interval, the peer's AUC and the lead times.</summary>
internal sealed record OuladChurnReport : ChurnMetricFields
{
    public required string Task { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required int? AsOf { get; init; }

    public required int TrainRows { get; init; }

    public required int TestRows { get; init; }

    public required IntervalReport AucInterval { get; init; }

    public required double? PeerAuc { get; init; }

    public LeadTimeReport? LeadTime { get; init; }

    public IReadOnlyList<string>? Charts { get; init; }

    public SelectionReport? Selection { get; init; }

    /// <summary>Whether the model was a calibration ensemble (<c>--ensemble</c>).</summary>
    public required bool Ensemble { get; init; }

    /// <summary>The as-of days of the training rows (<c>--pool-days</c>); null for the early warning.</summary>
    public required IReadOnlyList<int>? TrainingDays { get; init; }

    [SetsRequiredMembers]
    private OuladChurnReport(OuladChurnResult r, string task)
        : base(r.Test)
    {
        Task = task;
        AsOf = r.AsOfDay;
        TrainRows = r.TrainRows;
        TestRows = r.Test.Count;
        AucInterval = new IntervalReport { Low = r.Auc.Interval.Low, High = r.Auc.Interval.High, Level = r.Auc.Interval.Level };
        PeerAuc = OuladChurnCommand.PeerAuc(r.Task, r.AsOfDay);
        LeadTime = r.LeadTimes is { } l ? LeadTimeReport.From(l) : null;
        Selection = r.Selection is { } s ? SelectionReport.From(s) : null;
        Ensemble = r.Trainer.CalibrationEnsemble;
        TrainingDays = r.Task == OuladChurnTask.Eventual ? r.TrainingDays : null;
    }

    public static OuladChurnReport From(OuladChurnResult r, string task) => new(r, task);
}

/// <summary>How <c>--select</c> chose the model: each candidate's settings and mean fold AUC on the 2013 rows.</summary>
internal sealed record SelectionReport
{
    public required int Folds { get; init; }

    public required IReadOnlyList<string> Candidates { get; init; }

    public required IReadOnlyList<double> CandidateAuc { get; init; }

    public required int SelectedIndex { get; init; }

    public static SelectionReport From(OuladModelSelection s) => new()
    {
        Folds = s.Folds,
        Candidates = [.. s.Candidates.Select(Describe)],
        CandidateAuc = s.CandidateAuc,
        SelectedIndex = s.SelectedIndex,
    };

    private static string Describe(ChurnTrainerOptions o) => string.Create(
        CultureInfo.InvariantCulture, $"{o.ModelType} {o.NumberOfTrees}x{o.NumberOfLeaves} rate {o.LearningRate} min-leaf {o.MinimumExampleCountPerLeaf}{(o.CalibrationEnsemble ? $" ensemble of {o.CalibrationFolds}" : "")}");
}

/// <summary>A confidence interval in the JSON.</summary>
internal sealed record IntervalReport
{
    public required double Low { get; init; }

    public required double High { get; init; }

    public required double Level { get; init; }
}

/// <summary>The lead-time distribution of the early warning's first alerts, in days.</summary>
internal sealed record LeadTimeReport
{
    public required int Withdrawals { get; init; }

    public required int Alerted { get; init; }

    public required double AlertThreshold { get; init; }

    public int? Min { get; init; }

    public int? Q1 { get; init; }

    public int? Median { get; init; }

    public int? Q3 { get; init; }

    public int? Max { get; init; }

    /// <summary>Quantiles by the nearest rank (the smallest lead time with at least that share of alerts at or below it).</summary>
    public static LeadTimeReport From(OuladLeadTimes l)
    {
        int? At(double q) => l.Days.Count == 0 ? null : l.Days[Math.Max(0, (int)Math.Ceiling(q * l.Days.Count) - 1)];
        return new()
        {
            Withdrawals = l.Withdrawals,
            Alerted = l.Alerted,
            AlertThreshold = l.AlertThreshold,
            Min = At(0),
            Q1 = At(0.25),
            Median = At(0.5),
            Q3 = At(0.75),
            Max = At(1),
        };
    }
}
