using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Learners;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;
using Spectre.Console;

namespace CohortKit.Cli.Similarity;

/// <summary>One peer in the JSON document of <c>cohortkit peers</c>.</summary>
internal sealed record PeerResult(long LearnerId, float Score);

/// <summary>The JSON document of <c>cohortkit peers</c>.</summary>
internal sealed record PeersResult(long Learner, string Metric, IReadOnlyList<PeerResult> Peers);

/// <summary><c>cohortkit peers</c>: a learner's most similar peers by exact search.</summary>
internal static class PeersCommand
{
    public static Command Create(CliConsole console)
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
            if (m == SimilarityMetric.Cosine && !query.AsSpan().ContainsAnyExcept(0f))
            {
                throw new ArgumentException($"--learner {id}: every feature is 0, so cosine similarity is undefined and no peer is closer than another; use --metric euclidean.");
            }

            var hits = ExactSearch.TopK(matrix, query, count, m, filter: r => r != row);
            var result = new PeersResult(id, parse.GetValue(metric)!, hits.Select(h => new PeerResult(ids[h.Row].Value, h.Score)).ToArray());
            if (parse.GetValue(json))
            {
                console.WriteJson(result);
                return 0;
            }

            var t = new Table().AddColumns("rank", "learner", m == SimilarityMetric.Cosine ? "cosine" : "distance");
            for (var i = 0; i < result.Peers.Count; i++)
            {
                t.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), result.Peers[i].LearnerId.ToString(CultureInfo.InvariantCulture), result.Peers[i].Score.ToString("G4", CultureInfo.InvariantCulture));
            }

            console.Ansi.Write(t);
            return 0;
        });
        return command;
    }
}
