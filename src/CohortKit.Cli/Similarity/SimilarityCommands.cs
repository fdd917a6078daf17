using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using CohortKit.Learners;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;
using Spectre.Console;

namespace CohortKit.Cli.Similarity;

/// <summary><c>cohortkit features</c> and <c>cohortkit peers</c>.</summary>
internal static class SimilarityCommands
{
    public static Command Features(CliConsole console)
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

            var features = new LearnerFeatureBuilder().Build(l, log, start, days);
            FeatureCsv.Save(parse.GetValue(output)!.FullName, l.Ids.ToArray(), features);
            var result = new { learners = features.Rows, dimensions = features.Dimensions, start = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), days, file = parse.GetValue(output)!.FullName };
            if (parse.GetValue(json)) { console.WriteJson(result); }
            else { console.Ansi.MarkupLine($"Wrote {features.Rows:N0} × {features.Dimensions} features ({start:yyyy-MM-dd}, {days} days) to {Markup.Escape(result.file)}"); }
            return 0;
        });
        return command;
    }

    public static Command Peers(CliConsole console)
    {
        var features = new Option<FileInfo>("--features") { Description = "Features CSV: learner id first, then numeric features.", Required = true };
        var learner = new Option<long>("--learner") { Description = "The learner whose peers to find.", Required = true };
        var k = new Option<int>("--k") { Description = "How many peers.", DefaultValueFactory = _ => 10 };
        var metric = new Option<string>("--metric") { Description = "cosine or euclidean.", DefaultValueFactory = _ => "cosine" };
        metric.AcceptOnlyFromAmong("cosine", "euclidean");
        var json = CommonOptions.Json();
        var command = new Command("peers", "Find a learner's most similar peers (exact search), best first.") { features, learner, k, metric, json };
        command.SetAction(parse =>
        {
            var (ids, matrix) = FeatureCsv.Load(parse.GetValue(features)!.FullName);
            var id = parse.GetValue(learner);
            var row = Array.IndexOf(ids, new LearnerId(id));
            if (row < 0)
            {
                throw new ArgumentException($"Learner {id} is not in the features file.");
            }

            var count = parse.GetValue(k);
            if (count < 1 || count > ids.Length - 1)
            {
                throw new ArgumentException($"--k must be in [1, {ids.Length - 1}] (the other learners in the file), not {count}.");
            }

            var m = parse.GetValue(metric) == "euclidean" ? SimilarityMetric.Euclidean : SimilarityMetric.Cosine;
            var query = matrix.Row(row).ToArray();
            if (m == SimilarityMetric.Cosine) { matrix.NormalizeRows(); }
            var hits = ExactSearch.TopK(matrix, query, count, m, filter: r => r != row);
            var peers = hits.Select(h => new { learnerId = ids[h.Row].Value, score = h.Score }).ToArray();
            if (parse.GetValue(json))
            {
                console.WriteJson(new { learner = id, metric = parse.GetValue(metric), peers });
                return 0;
            }

            var t = new Table().AddColumns("rank", "learner", m == SimilarityMetric.Cosine ? "cosine" : "distance");
            for (var i = 0; i < peers.Length; i++)
            {
                t.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), peers[i].learnerId.ToString(CultureInfo.InvariantCulture), peers[i].score.ToString("G4", CultureInfo.InvariantCulture));
            }

            console.Ansi.Write(t);
            return 0;
        });
        return command;
    }
}

/// <summary><c>cohortkit cohorts</c>.</summary>
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
        var output = new Option<FileInfo?>("--out") { Description = "Write learnerId,cohortId to this CSV." };
        var json = CommonOptions.Json();
        var command = new Command("cohorts", "Form cohorts of similar learners with sizes in [min, max], and report their quality against random and k-means baselines.")
        {
            learners, events, features, min, max, seed, output, json,
        };
        command.SetAction(parse =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            LearnerId[] ids;
            CohortKit.Features.FeatureMatrix matrix;
            if (parse.GetValue(features) is { } f)
            {
                if (parse.GetValue(learners) is not null || parse.GetValue(events) is not null)
                {
                    throw new ArgumentException("Give either --features or --learners with --events, not both.");
                }

                (ids, matrix) = FeatureCsv.Load(f.FullName);
            }
            else
            {
                var l = parse.GetValue(learners) ?? throw new ArgumentException("Give --features, or --learners with --events.");
                var e = parse.GetValue(events) ?? throw new ArgumentException("--learners needs --events.");
                var table = LearnerCsv.Load(l.FullName);
                var log = ActivityCsv.Load(e.FullName, table);
                if (log.EventCount == 0) { throw new ArgumentException("The events file has no events; features need activity."); }
                var start = DateOnly.FromDateTime(new DateTime(log.Timestamps.ToArray().Min(), DateTimeKind.Utc));
                var last = DateOnly.FromDateTime(new DateTime(log.Timestamps.ToArray().Max(), DateTimeKind.Utc));
                matrix = new LearnerFeatureBuilder().Build(table, log, start, Math.Max(7, last.DayNumber - start.DayNumber + 1));
                ids = table.Ids.ToArray();
            }

            var former = new CohortKit.Similarity.Cohorts.CohortFormer(new CohortKit.Similarity.Cohorts.CohortFormationOptions
            {
                MinSize = parse.GetValue(min), MaxSize = parse.GetValue(max), Seed = parse.GetValue(seed),
                PartSize = Math.Max(2_000, 2 * parse.GetValue(max)),
            });
            var cohorts = former.Form(matrix);
            var seconds = clock.Elapsed.TotalSeconds;
            var report = CohortKit.Similarity.Cohorts.CohortQuality.Evaluate(matrix, cohorts, former.KMeansBaseline(matrix));
            if (parse.GetValue(output) is { } o)
            {
                CohortKit.Tables.CsvTable.Save(o.FullName, [CohortKit.Tables.CsvColumn.Of("learnerId", ids.Select(i => i.Value).ToArray()), CohortKit.Tables.CsvColumn.Of("cohortId", cohorts.CohortOf)]);
            }

            var result = new
            {
                learners = ids.Length,
                cohortCount = report.CohortCount,
                minSize = report.MinSize,
                maxSize = report.MaxSize,
                meanIntraSimilarity = report.MeanIntraSimilarity,
                randomBaselineSimilarity = report.RandomBaselineSimilarity,
                kmeansSimilarity = report.KMeansSimilarity,
                seconds = Math.Round(seconds, 3),
                sizeHistogram = report.SizeHistogram.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
            };
            if (parse.GetValue(json))
            {
                console.WriteJson(result);
                return 0;
            }

            var t = new Table().AddColumns("", "");
            t.AddRow("learners / cohorts", $"{result.learners:N0} / {result.cohortCount:N0} (sizes {result.minSize}–{result.maxSize})");
            t.AddRow("mean intra-cohort cosine", result.meanIntraSimilarity.ToString("F4", CultureInfo.InvariantCulture));
            t.AddRow("random partition / k-means", $"{result.randomBaselineSimilarity.ToString("F4", CultureInfo.InvariantCulture)} / {result.kmeansSimilarity?.ToString("F4", CultureInfo.InvariantCulture)}");
            t.AddRow("formed in", $"{result.seconds:F2} s");
            console.Ansi.Write(t);
            foreach (var e in report.Explanations.Take(5))
            {
                console.Ansi.MarkupLine(Markup.Escape($"cohort {e.Cohort} ({e.Size}): " + string.Join(", ", e.Features.Select(x => $"{x.Feature} {x.Mean:+0.00;-0.00}"))));
            }

            return 0;
        });
        return command;
    }
}
