using System.Globalization;
using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Metrics;
using CohortKit.Regions.Audit;
using CohortKit.Regions.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortKit.Regions.Analytics;

/// <summary>Cross-region analytics: each region summarises its learners locally (<see cref="Summarise"/>); only the summaries of
/// groups of at least k learners cross; <see cref="Merge"/> combines them into the global result, which equals the centralised
/// computation (moments to rounding, quantiles within the sketch's α, distinct counts within the sketch's error).</summary>
/// <remarks>Stateless apart from the optional audit log; thread-safe when the log is.</remarks>
public sealed class RegionalAggregator
{
    private readonly AuditLog? _audit;
    private readonly ILogger _logger;

    /// <summary>Creates an aggregator.</summary>
    /// <param name="k">The k-anonymity threshold, at least 2 (the policy's <see cref="Policy.ResidencyPolicy.KAnonymity"/>).</param>
    /// <param name="audit">Records each release and suppression (region, group counts); none when null.</param>
    /// <param name="relativeAccuracy">α of the quantile sketches.</param>
    /// <param name="logger">Logs counts only.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is below 2.</exception>
    public RegionalAggregator(int k = 20, AuditLog? audit = null, double relativeAccuracy = 0.01, ILogger<RegionalAggregator>? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 2);
        _ = new QuantileSketch(relativeAccuracy); // validates α
        K = k;
        RelativeAccuracy = relativeAccuracy;
        _audit = audit;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets k.</summary>
    public int K { get; }

    /// <summary>Gets α of the quantile sketches.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>Summarises one region inside the region: per group, the moments and sketches of the per-learner totals.</summary>
    /// <param name="region">The region's name.</param>
    /// <param name="totals">The region's per-learner totals (from <see cref="IRegionStore.LearnerTotals"/>).</param>
    /// <returns>The release: groups of at least k learners, and the names of the others.</returns>
    public RegionalRelease Summarise(string region, IEnumerable<LearnerTotal> totals)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(totals);
        var groups = new SortedDictionary<string, (List<double> Values, QuantileSketch Sketch, DistinctCountSketch Active)>(StringComparer.Ordinal);
        foreach (var t in totals)
        {
            if (!(t.Total >= 0 && double.IsFinite(t.Total)))
            {
                throw new ArgumentOutOfRangeException(nameof(totals), t.Total, string.Create(CultureInfo.InvariantCulture,
                    $"The store of region '{region}', group '{t.Group}': a learner's total is {t.Total}; totals must be finite and not negative (the quantile sketch holds values of at least 0)."));
            }

            if (!groups.TryGetValue(t.Group, out var g))
            {
                g = ([], new QuantileSketch(RelativeAccuracy), new DistinctCountSketch());
                groups[t.Group] = g;
            }

            g.Values.Add(t.Total);
            g.Sketch.Add(t.Total);
            if (t.Total != 0) { g.Active.Add(t.LearnerId); }
        }

        var released = new List<GroupSummary>();
        var suppressed = new List<string>();
        foreach (var (name, g) in groups)
        {
            if (g.Values.Count < K)
            {
                suppressed.Add(name);
                continue;
            }

            released.Add(new GroupSummary { Group = name, Summary = MetricSummary.FromSpan(g.Values.ToArray()), Quantiles = g.Sketch, ActiveLearners = g.Active });
        }

        _audit?.Append(new AuditRecord { Action = AuditAction.AggregateReleased, SourceRegion = region, Detail = $"groups={released.Count};k={K}" });
        if (suppressed.Count > 0)
        {
            _audit?.Append(new AuditRecord { Action = AuditAction.AggregateSuppressed, SourceRegion = region, Detail = $"groups={suppressed.Count};k={K}" });
            RegionsTelemetry.Suppressed.Add(suppressed.Count);
        }

        return new RegionalRelease { Region = region, K = K, Groups = released, Suppressed = suppressed };
    }

    /// <summary>Summarises every region of a data plane's stores (each inside its region) for one event kind and grouping.</summary>
    /// <param name="stores">The regions' stores.</param>
    /// <param name="kind">The event kind (e.g. <c>session</c>).</param>
    /// <param name="groupColumn">A groupable column of <c>learners</c>.</param>
    /// <returns>One release per store.</returns>
    /// <exception cref="ArgumentException">The column is personal data or unknown.</exception>
    public IReadOnlyList<RegionalRelease> SummariseAll(IEnumerable<IRegionStore> stores, string kind, string groupColumn)
    {
        ArgumentNullException.ThrowIfNull(stores);
        RegionSchema.CheckGroupColumn(groupColumn, nameof(groupColumn));
        return [.. stores.Select(s => Summarise(s.Region, s.LearnerTotals(kind, groupColumn)))];
    }

    /// <summary>Merges regional releases into the global result. A group is released only when every region holding its
    /// learners released it (had at least k of them); otherwise it is suppressed with no numbers.</summary>
    /// <param name="releases">The releases.</param>
    /// <returns>The global result.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A release carries a group below k (the message names it as
    /// <c>releases[i].Groups[j].Summary.Count</c>) or was made under a smaller k.</exception>
    public GlobalAggregate Merge(IReadOnlyList<RegionalRelease> releases)
    {
        ArgumentNullException.ThrowIfNull(releases);
        var merged = new SortedDictionary<string, (MetricSummary Summary, QuantileSketch Sketch, DistinctCountSketch Active)>(StringComparer.Ordinal);
        var suppressed = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < releases.Count; i++)
        {
            var r = releases[i];
            if (r.K < K) { throw new ArgumentOutOfRangeException($"releases[{i}].K", r.K, $"The release of region '{r.Region}' was made under k = {r.K}, below this aggregator's k = {K}."); }
            suppressed.UnionWith(r.Suppressed);
            for (var j = 0; j < r.Groups.Count; j++)
            {
                var g = r.Groups[j];
                if (g.Summary.Count < K)
                {
                    throw new ArgumentOutOfRangeException($"releases[{i}].Groups[{j}].Summary.Count", g.Summary.Count,
                        $"Group '{g.Group}' of region '{r.Region}' has {g.Summary.Count} learners, below k = {K}: it may not leave its region.");
                }

                if (merged.TryGetValue(g.Group, out var m))
                {
                    m.Sketch.Merge(g.Quantiles);
                    m.Active.Merge(g.ActiveLearners);
                    merged[g.Group] = (m.Summary.Merge(g.Summary), m.Sketch, m.Active);
                }
                else
                {
                    merged[g.Group] = (g.Summary, g.Quantiles.Clone(), g.ActiveLearners.Clone());
                }
            }
        }

        var groups = merged.Keys.Union(suppressed).Order(StringComparer.Ordinal).Select(name => suppressed.Contains(name)
            ? new GlobalGroup { Group = name, Suppressed = true }
            : new GlobalGroup { Group = name, Suppressed = false, Summary = merged[name].Summary, Quantiles = merged[name].Sketch, ActiveLearners = merged[name].Active }).ToList();
        RegionsLog.Aggregated(_logger, groups.Count, releases.Count, suppressed.Count, K);
        return new GlobalAggregate { Groups = groups, RegionsMerged = releases.Count, K = K };
    }

    /// <summary>An A/B readout (Welch's t-test, through CohortKit.Experiments) from per-region summaries of each arm: the
    /// summaries are merged, then tested, which equals the pooled readout.</summary>
    /// <param name="control">The control arm's summary in each region.</param>
    /// <param name="treatment">The treatment arm's summary in each region.</param>
    /// <param name="alpha">The significance level.</param>
    /// <returns>The readout.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A regional summary has fewer than k observations (named by index).</exception>
    /// <exception cref="ArgumentException">As <see cref="WelchTTest.Compute(in MetricSummary, in MetricSummary, double)"/>.</exception>
    public TwoSampleResult Readout(IReadOnlyList<MetricSummary> control, IReadOnlyList<MetricSummary> treatment, double alpha = 0.05)
    {
        return WelchTTest.Compute(MergeArm(control, nameof(control)), MergeArm(treatment, nameof(treatment)), alpha);

        MetricSummary MergeArm(IReadOnlyList<MetricSummary> parts, string name)
        {
            ArgumentNullException.ThrowIfNull(parts, name);
            var all = MetricSummary.Empty;
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i].Count < K)
                {
                    throw new ArgumentOutOfRangeException($"{name}[{i}].Count", parts[i].Count, $"The regional summary {name}[{i}] has {parts[i].Count} observations, below k = {K}.");
                }

                all = all.Merge(parts[i]);
            }

            return all;
        }
    }
}
