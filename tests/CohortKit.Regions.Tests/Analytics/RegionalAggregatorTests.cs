using CohortKit.Experiments.Hypothesis;
using CohortKit.Metrics;
using CohortKit.Regions.Analytics;
using CohortKit.Regions.Audit;
using CohortKit.Regions.Stores;
using FsCheck;
using FsCheck.Xunit;

namespace CohortKit.Regions.Tests.Analytics;

/// <summary>Merged regional summaries against the centralised computation (exact decimal arithmetic written out here), the
/// k-anonymity rules, and A/B readouts from regional parts against the pooled readout.</summary>
public sealed class RegionalAggregatorTests
{
    private static (double Mean, double Variance) Exact(List<double> x)
    {
        decimal sum = 0;
        foreach (var v in x) { sum += (decimal)v; }
        var mean = sum / x.Count;
        decimal ss = 0;
        foreach (var v in x) { ss += ((decimal)v - mean) * ((decimal)v - mean); }
        return ((double)mean, (double)(ss / (x.Count - 1)));
    }

    private static bool Close(double a, double b, double rel) => Math.Abs(a - b) <= rel * Math.Max(1, Math.Abs(b));

    [Property(MaxTest = 300)]
    public bool Merge_AnyPartitionIntoRegions_EqualsTheCentralisedSummary(int[] raw, byte[] assignment, PositiveInt regions)
    {
        var parts = 1 + (regions.Get % 5);
        var totals = raw.Select((v, i) => new LearnerTotal($"l{i}", "all", 100 + (v / 8.0))).ToList();
        if (totals.Count < 2) { return true; }
        var aggregator = new RegionalAggregator(k: 2);
        var byRegion = totals.Select((t, i) => (t, r: assignment.Length == 0 ? 0 : assignment[i % assignment.Length] % parts)).GroupBy(p => p.r).ToList();
        if (byRegion.Any(g => g.Count() < 2)) { return true; } // a part below k never leaves its region (tested elsewhere)
        var releases = byRegion.Select(g => aggregator.Summarise($"r{g.Key}", g.Select(p => p.t))).ToList();
        var merged = aggregator.Merge(releases).Groups.Single().Summary!.Value;
        var (mean, variance) = Exact(totals.Select(t => t.Total).ToList());
        return merged.Count == totals.Count && Close(merged.Mean, mean, 1e-12) && Close(merged.Variance, variance, 1e-12)
            && merged.Min == totals.Min(t => t.Total) && merged.Max == totals.Max(t => t.Total);
    }

    [Property(MaxTest = 200)]
    public bool Readout_FromAnyRegionalPartition_EqualsThePooledReadout(int[] control, int[] treatment, PositiveInt regions, int seed)
    {
        var c = control.Select(v => 10 + (v / 4.0)).ToArray();
        var t = treatment.Select(v => 11 + (v / 3.0)).ToArray();
        if (c.Length < 6 || t.Length < 6 || c.Distinct().Count() < 2 || t.Distinct().Count() < 2) { return true; }
        var parts = 1 + (regions.Get % 3);
        var rng = new Random(seed);
        var cParts = Split(c, parts, rng);
        var tParts = Split(t, parts, rng);
        var pooled = WelchTTest.Compute(c, t);
        var regional = new RegionalAggregator(k: 2).Readout(cParts, tParts);
        return Close(regional.AbsoluteEffect, pooled.AbsoluteEffect, 1e-12) && Close(regional.StandardError, pooled.StandardError, 1e-10)
            && Close(regional.PValue, pooled.PValue, 1e-9) && regional.ControlN == pooled.ControlN;

        static List<MetricSummary> Split(double[] x, int parts, Random rng)
        {
            // contiguous blocks of at least 2 after a shuffle: every part meets k = 2
            var shuffled = x.OrderBy(_ => rng.Next()).ToArray();
            var size = Math.Max(2, shuffled.Length / parts);
            var list = new List<MetricSummary>();
            for (var i = 0; i < shuffled.Length; i += size)
            {
                var len = shuffled.Length - i < 2 * size ? shuffled.Length - i : size;
                list.Add(MetricSummary.FromSpan(shuffled.AsSpan(i, len)));
                i += len - size;
            }

            return list;
        }
    }

    [Fact]
    public void Merge_OneToHundredSplitAcrossThreeRegions_GivesTheClosedForm()
    {
        // 1..100: mean 50.5, sample variance n(n+1)/12 = 841.666…
        var totals = Enumerable.Range(1, 100).Select(i => new LearnerTotal($"l{i}", "g", i)).ToList();
        var agg = new RegionalAggregator();
        var releases = new[] { totals.Take(30), totals.Skip(30).Take(45), totals.Skip(75) }.Select((p, i) => agg.Summarise($"r{i}", p)).ToList();
        var g = agg.Merge(releases).Groups.Single();
        g.Suppressed.Should().BeFalse();
        g.Summary!.Value.Mean.Should().BeApproximately(50.5, 1e-12);
        g.Summary!.Value.Variance.Should().BeApproximately(100.0 * 101 / 12, 1e-10);
        g.Quantiles!.Quantile(0.5).Should().BeApproximately(50, 0.5);
        g.ActiveLearners!.Estimate().Should().BeApproximately(100, 3 * 0.01625 * 100);
    }

    [Fact]
    public void Summarise_GroupBelowK_StaysInTheRegion_AndTheGlobalGroupIsSuppressed()
    {
        using var audit = AuditLog.InMemory();
        var agg = new RegionalAggregator(k: 20, audit);
        var eu = Enumerable.Range(0, 25).Select(i => new LearnerTotal($"e{i}", "pro", i)).Concat(Enumerable.Range(0, 19).Select(i => new LearnerTotal($"f{i}", "free", i)));
        var asia = Enumerable.Range(0, 5).Select(i => new LearnerTotal($"a{i}", "pro", i)).Concat(Enumerable.Range(0, 30).Select(i => new LearnerTotal($"b{i}", "team", i)));
        var releases = new[] { agg.Summarise("eu", eu), agg.Summarise("asia", asia) };
        releases[0].Groups.Select(g => g.Group).Should().Equal("pro");
        releases[0].Suppressed.Should().Equal("free");
        releases[1].Suppressed.Should().Equal("pro");
        var global = agg.Merge(releases);
        global.Groups.Select(g => (g.Group, g.Suppressed)).Should().Equal(("free", true), ("pro", true), ("team", false));
        global.Groups[0].Summary.Should().BeNull();
        global.Groups[1].Summary.Should().BeNull(); // 30 learners in all, but the asia part (5) never left asia
        global.RegionsMerged.Should().Be(2);
        audit.Snapshot().Select(e => e.Record.Action).Should().Equal(AuditAction.AggregateReleased, AuditAction.AggregateSuppressed, AuditAction.AggregateReleased, AuditAction.AggregateSuppressed);
    }

    [Fact]
    public void Merge_AForgedBelowKSummary_IsRefusedNamingTheField()
    {
        var forged = new RegionalRelease
        {
            Region = "eu", K = 20, Suppressed = [],
            Groups = [new GroupSummary { Group = "x", Summary = MetricSummary.FromSpan([1.0, 2, 3]), Quantiles = new QuantileSketch(), ActiveLearners = new DistinctCountSketch() }],
        };
        var act = () => new RegionalAggregator().Merge([forged]);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("releases[0].Groups[0].Summary.Count");
        var readout = () => new RegionalAggregator().Readout([MetricSummary.FromSpan([1.0, 2, 3])], [MetricSummary.FromSpan([1.0, 2, 3])]);
        readout.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("control[0].Count");
    }

    [Fact]
    public void SummariseAll_PersonalColumn_IsRefused()
    {
        var act = () => new RegionalAggregator().SummariseAll([], "session", "email");
        act.Should().Throw<ArgumentException>().WithParameterName("groupColumn");
    }

    [Fact]
    public void Summarise_NegativeTotal_NamesTheRegionsStoreAndTheGroup()
    {
        var totals = new[] { new LearnerTotal("x1", "free", 3), new LearnerTotal("x2", "pro", -4.5) };
        var act = () => new RegionalAggregator().Summarise("eu", totals);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("totals")
            .WithMessage("The store of region 'eu', group 'pro': a learner's total is -4.5; totals must be finite and not negative*");
    }
}
