using CohortKit.Regions.Analytics;
using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Routing;

/// <summary>The latency percentiles of one region's requests.</summary>
public sealed record RegionLatency
{
    /// <summary>Gets the home region of the learners whose requests these are.</summary>
    public required string Region { get; init; }

    /// <summary>Gets the number of requests.</summary>
    public required long Requests { get; init; }

    /// <summary>Gets the median latency in microseconds (within the sketch's 1 %).</summary>
    public required double P50Micros { get; init; }

    /// <summary>Gets the 99th percentile in microseconds (within the sketch's 1 %).</summary>
    public required double P99Micros { get; init; }

    /// <summary>Gets whether <see cref="P99Micros"/> meets the tracker's target.</summary>
    public required bool MeetsTarget { get; init; }
}

/// <summary>Per-region latency SLO tracking: p50 and p99 of request latencies (a 1 % quantile sketch per region, mergeable into
/// the global figure) against a p99 target.</summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class LatencyTracker
{
    private readonly QuantileSketch[] _sketches;
    private readonly ResidencyPolicy _policy;

    /// <summary>Creates a tracker.</summary>
    /// <param name="policy">The catalogue.</param>
    /// <param name="p99Target">The p99 target (the plan's cross-region target is 100 ms); positive.</param>
    public LatencyTracker(ResidencyPolicy policy, TimeSpan p99Target)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(p99Target, TimeSpan.Zero);
        P99Target = p99Target;
        _sketches = [.. policy.Regions.Select(_ => new QuantileSketch())];
    }

    /// <summary>Gets the p99 target.</summary>
    public TimeSpan P99Target { get; }

    /// <summary>Records one request's latency.</summary>
    /// <param name="home">The learner's home region.</param>
    /// <param name="micros">The latency in microseconds, finite and not negative.</param>
    public void Record(Region home, double micros)
    {
        ArgumentNullException.ThrowIfNull(home);
        _sketches[home.Index].Add(micros);
    }

    /// <summary>The percentiles of each region with requests.</summary>
    /// <returns>One row per region that has requests, in catalogue order.</returns>
    public IReadOnlyList<RegionLatency> PerRegion() => [.. _policy.Regions.Where(r => _sketches[r.Index].Count > 0).Select(r => Row(r.Name, _sketches[r.Index]))];

    /// <summary>The percentiles over every region (the merged sketches).</summary>
    /// <returns>The global row (region "global").</returns>
    /// <exception cref="InvalidOperationException">No request was recorded.</exception>
    public RegionLatency Global()
    {
        var all = new QuantileSketch();
        foreach (var s in _sketches) { all.Merge(s); }
        return Row("global", all);
    }

    private RegionLatency Row(string name, QuantileSketch s)
    {
        var p99 = s.Quantile(0.99);
        return new RegionLatency { Region = name, Requests = s.Count, P50Micros = s.Quantile(0.5), P99Micros = p99, MeetsTarget = p99 <= P99Target.TotalMicroseconds };
    }
}
