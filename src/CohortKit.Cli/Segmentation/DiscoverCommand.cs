using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Experiments;
using CohortKit.Cli.Output;
using CohortKit.Learners;
using CohortKit.Segmentation.Discovery;
using CohortKit.Similarity.Features;
using CohortKit.Tables;
using Spectre.Console;

namespace CohortKit.Cli.Segmentation;

/// <summary><c>cohortkit segments discover</c>: behavioural clusters of a features file, profiled by an attributes file.</summary>
internal static class DiscoverCommand
{
    /// <summary>Attribute columns with more distinct values than this are not profiled (they are ids or measurements, not categories).</summary>
    public const int MaxProfiledValues = 100;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Create(CliConsole console)
    {
        var features = new Option<FileInfo>("--features") { Description = "Features CSV: learner id first, then numeric features (as `cohortkit features` writes).", Required = true };
        var k = new Option<string>("--k") { Description = "Number of clusters, or auto to choose it by the silhouette on a sample (2 to 10).", DefaultValueFactory = _ => "auto" };
        var attributes = new Option<FileInfo?>("--attributes") { Description = $"CSV with the learner id first and categorical columns to profile the clusters by (columns with more than {MaxProfiledValues} values are skipped)." };
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var command = new Command("discover", "Discover behavioural segments with k-means and profile each in attribute terms (lift and a test per value).")
        {
            features, k, attributes, seed, json,
        };
        command.SetAction(parse =>
        {
            var options = new DiscoveryOptions { K = ParseK(parse.GetValue(k)!), Seed = unchecked((ulong)parse.GetValue(seed)) };
            var file = parse.GetValue(features)!;
            if (Directory.Exists(file.FullName)) { throw new ArgumentException($"--features: '{file.FullName}' is a directory; give a features CSV."); }
            var (ids, matrix) = FeatureCsv.Load(file.FullName);
            if (ids.Length == 0) { throw new ArgumentException($"--features: '{file.Name}' has a header but no learners."); }
            var columns = parse.GetValue(attributes) is { } a ? Attributes(a, ids) : [];
            var result = new SegmentDiscovery(options).Discover(matrix, columns);
            var report = DiscoverReport.From(result, matrix.FeatureNames, ids.Length);
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return 0;
            }

            console.Ansi.MarkupLine($"{ids.Length.ToString("N0", C)} learners, k = {report.K} ({report.Selection}), inertia {report.Inertia.ToString("G6", C)}");
            foreach (var c in report.Clusters)
            {
                var profile = c.Profile.Count == 0 ? "no over-represented attribute value" : string.Join(", ", c.Profile.Select(p => $"{p.Attribute}={p.Value} ×{p.Lift.ToString("0.00", C)}"));
                console.Ansi.MarkupLine(Markup.Escape($"cluster {c.Cluster}: {c.Size} learners ({c.Share.ToString("P1", C)}): {profile}"));
            }

            return 0;
        });
        return command;
    }

    private static int ParseK(string value)
    {
        if (value == "auto") { return 0; }
        return int.TryParse(value, NumberStyles.Integer, C, out var k) && k >= 2
            ? k
            : throw new ArgumentException($"--k: '{value}' is neither auto nor a whole number of at least 2.");
    }

    /// <summary>The categorical columns of the attributes file, in the features' row order (every learner must be there).</summary>
    private static List<CategoricalColumn> Attributes(FileInfo file, LearnerId[] ids)
    {
        var table = ExperimentInput.Load(file, "--attributes");
        var idColumn = table.ColumnNames[0];
        var rowById = new Dictionary<long, int>();
        var fileIds = table.Integers(idColumn);
        for (var r = 0; r < fileIds.Length; r++) { rowById.TryAdd(fileIds[r], r); }
        var rows = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            if (!rowById.TryGetValue(ids[i].Value, out rows[i]))
            {
                throw new ArgumentException($"--attributes: learner {ids[i].Value} of the features file is not in {Path.GetFileName(table.FileName)} (column '{idColumn}').");
            }
        }

        var result = new List<CategoricalColumn>();
        foreach (var name in table.ColumnNames.Skip(1))
        {
            var column = table.Categorical(name);
            if (column.Categories.Count > MaxProfiledValues) { continue; }
            result.Add(new CategoricalColumn(name, [.. column.Categories], [.. rows.Select(r => column.Codes[r])]));
        }

        return result;
    }
}

/// <summary>The JSON document of <c>cohortkit segments discover --json</c>.</summary>
internal sealed record DiscoverReport(int Learners, int K, string Selection, IReadOnlyList<SilhouetteEntry> Silhouettes, double Inertia, int Iterations,
    IReadOnlyList<string> Features, IReadOnlyList<ClusterEntry> Clusters)
{
    public static DiscoverReport From(DiscoveredSegments s, IReadOnlyList<string> features, int learners) => new(
        learners, s.K, s.Selection == KSelection.Silhouette ? "silhouette" : "fixed",
        [.. s.Silhouettes.Select(x => new SilhouetteEntry(x.K, x.Score))], s.Inertia, s.Iterations, features,
        [.. s.Clusters.Select(c => new ClusterEntry(c.Cluster, c.Size, c.Share, c.Centroid.ToArray(),
            [.. c.Profile.Select(p => new ProfileEntry(p.Attribute, p.Value, p.ClusterShare, p.OverallShare, p.Lift, p.PValue, p.AdjustedPValue))]))]);
}

/// <summary>The silhouette of one k.</summary>
internal sealed record SilhouetteEntry(int K, double Score);

/// <summary>One cluster and its profile.</summary>
internal sealed record ClusterEntry(int Cluster, int Size, double Share, IReadOnlyList<float> Centroid, IReadOnlyList<ProfileEntry> Profile);

/// <summary>An over-represented attribute value.</summary>
internal sealed record ProfileEntry(string Attribute, string Value, double ClusterShare, double OverallShare, double Lift, double PValue, double AdjustedPValue);
