using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using Spectre.Console;

namespace CohortKit.Cli.Similarity;

/// <summary>The JSON document of <c>cohortkit cohorts</c>. Similarities are null where they do not apply (no cohort of two).</summary>
internal sealed record CohortsResult(
    int Learners,
    int CohortCount,
    int MinSize,
    int MaxSize,
    double? MeanIntraSimilarity,
    double? MeanPairSimilarity,
    double RandomBaselineSimilarity,
    double? KmeansSimilarity,
    double FormSeconds,
    double TotalSeconds,
    IReadOnlyDictionary<string, int> SizeHistogram);

/// <summary><c>cohortkit cohorts</c>: cohorts of similar learners within size bounds, with their quality.</summary>
internal static class CohortsCommand
{
    public static Command Create(CliConsole console)
    {
        var learners = new Option<FileInfo?>("--learners") { Description = "learners.csv (with --events)." };
        var events = new Option<FileInfo?>("--events") { Description = "events.csv (with --learners)." };
        var features = new Option<FileInfo?>("--features") { Description = "Features CSV (instead of --learners/--events)." };
        var min = new Option<int>("--min") { Description = "Smallest cohort.", DefaultValueFactory = _ => 15 };
        var max = new Option<int>("--max") { Description = "Largest cohort.", DefaultValueFactory = _ => 30 };
        var seed = CommonOptions.Seed();
        var output = new Option<FileInfo?>("--out") { Description = "Write learner_id,cohort_id to this CSV." };
        var json = CommonOptions.Json();
        var command = new Command("cohorts", "Form cohorts of similar learners with sizes in [min, max] (their number chosen from the data), and report their quality against random and k-means baselines.")
        {
            learners, events, features, min, max, seed, output, json,
        };
        command.SetAction(parse =>
        {
            var total = Stopwatch.StartNew();
            var (lo, hi) = (parse.GetValue(min), parse.GetValue(max));
            if (lo < 1) { throw new ArgumentException($"--min must be at least 1, not {lo}."); }
            if (hi < lo) { throw new ArgumentException($"--max ({hi}) must be at least --min ({lo})."); }
            if (parse.GetValue(output) is { } target) { OutputPath.CheckWritable(target.FullName, "--out"); }
            var (ids, matrix) = Load(parse.GetValue(features), parse.GetValue(learners), parse.GetValue(events));

            var former = new CohortFormer(new CohortFormationOptions
            {
                MinSize = lo, MaxSize = hi, Seed = parse.GetValue(seed), PartSize = Math.Max(2_000, 2 * hi),
            });
            var clock = Stopwatch.StartNew();
            CohortAssignment cohorts;
            try
            {
                cohorts = former.Form(matrix);
            }
            catch (CohortFormationInfeasibleException ex)
            {
                // Name the flags, not the library's properties.
                throw new CohortFormationInfeasibleException(ex.Bound, ex.Message.Replace("MinSize", "--min", StringComparison.Ordinal).Replace("MaxSize", "--max", StringComparison.Ordinal));
            }

            var formSeconds = clock.Elapsed.TotalSeconds;
            var report = CohortQuality.Evaluate(matrix, cohorts, former.KMeansBaseline(matrix));
            if (parse.GetValue(output) is { } o)
            {
                CohortKit.Tables.CsvTable.Save(o.FullName, [CohortKit.Tables.CsvColumn.Of("learner_id", ids.Select(i => i.Value).ToArray()), CohortKit.Tables.CsvColumn.Of("cohort_id", cohorts.CohortOf.ToArray())]);
            }

            var result = new CohortsResult(ids.Length, report.CohortCount, report.MinSize, report.MaxSize, report.MeanIntraSimilarity, report.MeanPairSimilarity,
                report.RandomBaselineSimilarity, report.KMeansSimilarity, Math.Round(formSeconds, 3), Math.Round(total.Elapsed.TotalSeconds, 3),
                report.SizeHistogram.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value));
            if (parse.GetValue(json))
            {
                console.WriteJson(result);
                return 0;
            }

            static string F4(double? v) => v?.ToString("F4", CultureInfo.InvariantCulture) ?? "n/a";
            var t = new Table().AddColumns("", "");
            t.AddRow("learners / cohorts", $"{result.Learners:N0} / {result.CohortCount:N0} (sizes {result.MinSize}–{result.MaxSize})");
            t.AddRow("intra-cohort cosine: mean over cohorts / over pairs", $"{F4(result.MeanIntraSimilarity)} / {F4(result.MeanPairSimilarity)}");
            t.AddRow("random partition / k-means", $"{F4(result.RandomBaselineSimilarity)} / {F4(result.KmeansSimilarity)}");
            t.AddRow("formed in / total", $"{result.FormSeconds:F2} s / {result.TotalSeconds:F2} s");
            console.Ansi.Write(t);
            foreach (var e in report.Explanations.Take(5))
            {
                console.Ansi.MarkupLine(Markup.Escape($"cohort {e.Cohort} ({e.Size}): " + string.Join(", ", e.Features.Select(x => $"{x.Feature} {x.Mean:+0.00;-0.00}"))));
            }

            return 0;
        });
        return command;
    }

    private static (LearnerId[] Ids, FeatureMatrix Matrix) Load(FileInfo? features, FileInfo? learners, FileInfo? events)
    {
        if (features is not null)
        {
            if (learners is not null || events is not null)
            {
                throw new ArgumentException("Give either --features or --learners with --events, not both.");
            }

            return FeatureCsv.Load(features.FullName);
        }

        var l = learners ?? throw new ArgumentException("Give --features, or --learners with --events.");
        var e = events ?? throw new ArgumentException("--learners needs --events.");
        var table = LearnerCsv.Load(l.FullName);
        var log = ActivityCsv.Load(e.FullName, table);
        if (log.EventCount == 0) { throw new ArgumentException("The events file has no events; features need activity."); }
        var start = DateOnly.FromDateTime(new DateTime(log.Timestamps.ToArray().Min(), DateTimeKind.Utc));
        var last = DateOnly.FromDateTime(new DateTime(log.Timestamps.ToArray().Max(), DateTimeKind.Utc));
        return (table.Ids.ToArray(), new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(table, log, start, Math.Max(7, last.DayNumber - start.DayNumber + 1)));
    }
}
