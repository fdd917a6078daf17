using System.Globalization;
using CohortKit.Churn.EarlyWarning;
using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Churn.Tabular;
using CohortKit.Csv;
using CohortKit.Features;

// The measurement behind docs/churn.md's "Effect on AUC" table: churn train without and with --temporal, called through the
// library exactly as the CLI does (default EarlyWarningOptions and ChurnModelTrainer, the hazard fitted up to the as-of date,
// the out-of-time test one week later), plus DeLong intervals, the paired DeLong difference on the same test rows, and the
// 5-fold cross-validated AUC on the training rows (seed 42, the same folds for both).
// Usage: dotnet run -c Release -- SIMDIR AS_OF   (SIMDIR from `cohortkit simulate --learners 20000 --days 120 --seed S --out SIMDIR`)
// Prints one Markdown table row: dir | as-of | test rows (churners) | AUC without [CI] | AUC with [CI] | difference [CI] | CV without | CV with | folds better.
var dir = args[0];
var asOf = DateOnly.ParseExact(args[1], "yyyy-MM-dd", CultureInfo.InvariantCulture);
var people = LearnerCsv.Load(Path.Combine(dir, "learners.csv"));
var log = ActivityCsv.Load(Path.Combine(dir, "events.csv"), people);
var builder = new EarlyWarningDataBuilder();
var temporal = TemporalStateFeatures.Fit(people, log, asOf);
(FeatureMatrix, bool[]) Rows(DateOnly day, IReadOnlyList<string>? names, TemporalStateFeatures? t)
{
    var labels = builder.Labels(people, log, day);
    var f = builder.Features(people, log, day, names, t);
    var rows = Enumerable.Range(0, people.Count).Where(r => labels.Eligible.Span[r]).ToArray();
    return (CrossValidator.Subset(f, rows), rows.Select(r => labels.Churns.Span[r]).ToArray());
}

var results = new List<(double[] Scores, bool[] Labels, double Cv, double[] FoldAucs)>();
foreach (var t in new[] { null, temporal })
{
    var (train, y) = Rows(asOf, null, t);
    var model = new ChurnModelTrainer().Fit(train, y);
    var (test, yt) = Rows(asOf.AddDays(7), model.FeatureNames, t);
    var s = new double[test.Rows];
    model.PredictProbabilities(test, s);
    var cv = CrossValidator.Run(new ChurnModelTrainer(), train, y, 5, 42);
    results.Add((s, yt, cv.Auc, cv.Folds.Select(f => f.Auc).ToArray()));
}

var labelsT = results[0].Labels;
string Ci(double[] s)
{
    var e = AucInterval.Compute(s, labelsT, []);
    return $"{e.Auc:F3} [{e.Interval.Low:F3}, {e.Interval.High:F3}]";
}

// paired DeLong: placements of each positive and negative under both scores
var pos = Enumerable.Range(0, labelsT.Length).Where(i => labelsT[i]).ToArray();
var neg = Enumerable.Range(0, labelsT.Length).Where(i => !labelsT[i]).ToArray();
double Psi(double a, double b) => a > b ? 1 : a == b ? 0.5 : 0;
var v10 = new double[2][];
var v01 = new double[2][];
var auc = new double[2];
for (var m = 0; m < 2; m++)
{
    var s = results[m].Scores;
    v10[m] = pos.Select(i => neg.Average(j => Psi(s[i], s[j]))).ToArray();
    v01[m] = neg.Select(j => pos.Average(i => Psi(s[i], s[j]))).ToArray();
    auc[m] = v10[m].Average();
}

double Cov(double[] a, double[] b) { var ma = a.Average(); var mb = b.Average(); return a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum() / (a.Length - 1); }
var varDiff = (Cov(v10[0], v10[0]) + Cov(v10[1], v10[1]) - 2 * Cov(v10[0], v10[1])) / pos.Length
            + (Cov(v01[0], v01[0]) + Cov(v01[1], v01[1]) - 2 * Cov(v01[0], v01[1])) / neg.Length;
var diff = auc[1] - auc[0];
var se = Math.Sqrt(varDiff);
var improved = results[0].FoldAucs.Zip(results[1].FoldAucs).Count(p => p.Second > p.First);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Path.GetFileName(dir)} | {args[1]} | {labelsT.Length} ({pos.Length}) | {Ci(results[0].Scores)} | {Ci(results[1].Scores)} | {Signed(diff)} [{Signed(diff - 1.959964 * se)}, {Signed(diff + 1.959964 * se)}] | {results[0].Cv:F3} | {results[1].Cv:F3} | {improved}/5 |"));

static string Signed(double x) => (x < 0 ? "-" : "+") + Math.Abs(x).ToString("0.000", CultureInfo.InvariantCulture);
