using System.Globalization;
using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Search;

namespace CohortKit.Samples.PlatformHost;

/// <summary>The host's command-line arguments.</summary>
internal sealed record HostArguments(string Version, int Port, bool AllowFaults, int ExtraLatencyMs)
{
    /// <summary>The response header naming the version that served a request.</summary>
    public const string VersionHeader = "X-CohortKit-Version";

    /// <summary>Parses <c>--name value</c> or <c>--name=value</c> (the form a host configuration is passed in, e.g. by
    /// WebApplicationFactory); <c>--allow-faults</c> is a flag (or <c>--allow-faults=true</c>).</summary>
    public static HostArguments Parse(string[] args)
    {
        string? Value(string name)
        {
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == name)
                {
                    return i + 1 < args.Length ? args[i + 1] : null;
                }

                if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
                {
                    return args[i][(name.Length + 1)..];
                }
            }

            return null;
        }

        var port = int.Parse(Value("--port") ?? "0", CultureInfo.InvariantCulture);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(args), port, "--port must be in 0..65535.");
        }

        var allowFaults = args.Contains("--allow-faults") || string.Equals(Value("--allow-faults"), "true", StringComparison.OrdinalIgnoreCase);
        return new HostArguments(Value("--app-version") ?? "1", port, allowFaults, int.Parse(Value("--extra-latency-ms") ?? "0", CultureInfo.InvariantCulture));
    }
}

/// <summary>Mutable health of the host (readiness can be turned off by the fault endpoint).</summary>
internal sealed class HostState
{
    private volatile bool _ready = true;

    public bool Ready
    {
        get => _ready;
        set => _ready = value;
    }
}

/// <summary>Learner feature vectors and CohortKit.Similarity's exact index over them.</summary>
internal sealed class PeerDirectory(ExactSearchIndex index, FeatureMatrix features)
{
    public static PeerDirectory Build(int learners, int dimensions, int seed)
    {
        var random = new Random(seed);
        var features = new FeatureMatrix(learners, dimensions);
        for (var r = 0; r < learners; r++)
        {
            var row = features.Row(r);
            for (var d = 0; d < dimensions; d++)
            {
                row[d] = (float)random.NextDouble();
            }
        }

        features.NormalizeRows();
        var ids = Enumerable.Range(1, learners).Select(i => new LearnerId(i)).ToArray();
        return new PeerDirectory(new ExactSearchIndex(features, ids), features);
    }

    /// <summary>The k nearest peers of a learner (itself excluded), or null when the learner is unknown.</summary>
    public IReadOnlyList<Neighbor>? Suggest(LearnerId learner, int k)
    {
        var row = learner.Value - 1;
        if (row < 0 || row >= features.Rows || k < 1)
        {
            return null;
        }

        return index.Search(features.Row((int)row), Math.Min(k, features.Rows - 1), id => id != learner);
    }
}

internal sealed record VersionResponse(string Version);

internal sealed record Peer(long Learner, float Similarity);

internal sealed record PeersResponse(string Version, long Learner, IReadOnlyList<Peer> Peers);

internal sealed record ReadoutRequest(double[]? Control, double[]? Treatment, double? Alpha);

internal sealed record ReadoutResponse(string Version, double Effect, double IntervalLow, double IntervalHigh, double WelchPValue, double MannWhitneyPValue);
