using CohortKit.Experiments.Hypothesis;
using CohortKit.Events;
using CohortKit.Experiments.AaValidation;
using CohortKit.Learners;
using CohortKit.Simulation;
using MathNet.Numerics.Distributions;

namespace CohortKit.Experiments.Tests.AaValidation;

public class AaTestValidatorTests
{
    private static (MetricColumn Minutes, MetricColumn Active, CategoricalColumn Plan) PlatformMetrics(int learners, long seed)
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = learners, Days = 30, Seed = seed }).Generate();
        var minutes = new double[learners];
        var active = new double[learners];
        for (var i = 0; i < learners; i++)
        {
            var e = p.Activity.ForLearner(i);
            for (var j = 0; j < e.Count; j++) { if (e.Kinds[j] == LearnerEventKind.Session) { minutes[i] += e.Values[j]; } }
            active[i] = e.Count > 0 ? 1 : 0;
        }

        return (new MetricColumn("minutes", minutes), new MetricColumn("active", active), p.Learners["plan"]);
    }

    [Fact]
    public void Rerandomize_2000AaTests_FalsePositiveRateInsideTheBinomial999Interval()
    {
        var (minutes, active, plan) = PlatformMetrics(20_000, 5);
        var report = new AaTestValidator(new AaValidationOptions { Iterations = 2_000, Seed = 11 }).Rerandomize([minutes, active], plan);
        // The 99.9% interval of Binomial(2000, 0.05) false positives.
        var low = Enumerable.Range(0, 2001).First(x => Binomial.CDF(0.05, 2000, x) >= 0.0005);
        var high = Enumerable.Range(0, 2001).First(x => Binomial.CDF(0.05, 2000, x) >= 0.9995);
        foreach (var r in report.Metrics)
        {
            r.Iterations.Should().Be(2000);
            r.FalsePositives.Should().BeInRange(low, high, r.Metric);
            r.KsPValue.Should().BeGreaterThan(0.001, r.Metric);
            r.FalsePositiveRateInterval.Low.Should().BeLessThan(r.FalsePositiveRate);
            r.MinimumDetectableRelativeEffect.Should().BePositive();
        }

        report.Segments.Should().HaveCount(3 * 2);
        report.Segments.Where(s => s.Segment == "team").Should().OnlyContain(s => s.Units < 2000 && s.Units > 500);
    }

    [Fact]
    public void Rerandomize_MinimumDetectableEffect_MatchesPowerFormula()
    {
        var values = Enumerable.Range(0, 10_000).Select(i => 10 + (i % 7)).Select(v => (double)v).ToArray();
        var report = new AaTestValidator(new AaValidationOptions { Iterations = 10 }).Rerandomize([new MetricColumn("m", values)]);
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        // d = root of statsmodels TTestIndPower.power(d, nobs1=5000, ratio=1, alpha=0.05) = 0.8, by SciPy brentq at xtol 1e-15
        // (not the library's own PowerAnalysis).
        const double D = 0.05603701861072304;
        report.Metrics[0].MinimumDetectableRelativeEffect.Should().BeApproximately(D * sd / mean, 1e-9 * D * sd / mean);
    }

    [Fact]
    public void Rerandomize_SameSeed_SameReportWhateverTheThreads()
    {
        var (minutes, _, plan) = PlatformMetrics(3_000, 9);
        var a = new AaTestValidator(new AaValidationOptions { Iterations = 300, Seed = 3, MaxDegreeOfParallelism = 1 }).Rerandomize([minutes], plan);
        var b = new AaTestValidator(new AaValidationOptions { Iterations = 300, Seed = 3, MaxDegreeOfParallelism = 2 }).Rerandomize([minutes], plan);
        a.Metrics.Should().BeEquivalentTo(b.Metrics);
        a.Segments.Should().BeEquivalentTo(b.Segments);
        var c = new AaTestValidator(new AaValidationOptions { Iterations = 300, Seed = 4 }).Rerandomize([minutes], plan);
        c.Metrics[0].KsStatistic.Should().NotBe(a.Metrics[0].KsStatistic);
    }

    [Fact]
    public void ClopperPearson_MatchesKnownValues()
    {
        // R: binom.test(5, 100)$conf.int = 0.01643187 0.11283491
        var (low, high, level) = AaTestValidator.ClopperPearson(5, 100, 0.05);
        level.Should().Be(0.95);
        low.Should().BeApproximately(0.01643187, 1e-7);
        high.Should().BeApproximately(0.11283491, 1e-7);
    }

    [Fact]
    public void BadInput_Throws()
    {
        var v = new AaTestValidator(new AaValidationOptions());
        ((Action)(() => v.Rerandomize([]))).Should().Throw<ArgumentException>().WithMessage("*At least one metric*");
        ((Action)(() => v.Rerandomize([new MetricColumn("a", new double[] { 1, 2, double.NaN, 4 })]))).Should().Throw<ArgumentException>().WithMessage("*'a' has NaN at unit 2*");
        ((Action)(() => v.Rerandomize([new MetricColumn("a", new double[] { 1, 2, 3, 4, 5 }), new MetricColumn("b", new double[] { 1, 2, 3, 4 })]))).Should().Throw<ArgumentException>().WithMessage("*'b' has 4 values*");
        ((Func<AaTestValidator>)(() => new AaTestValidator(new AaValidationOptions { Split = 1 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("Split");
        ((Func<AaTestValidator>)(() => new AaTestValidator(new AaValidationOptions { Iterations = 0 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("Iterations");
        ((Func<AaTestValidator>)(() => new AaTestValidator(new AaValidationOptions { Iterations = 2_000_000_000 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("Iterations");
        ((Func<AaTestValidator>)(() => new AaTestValidator(new AaValidationOptions { Split = 1e-9 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("Split");
        ((Action)(() => v.Rerandomize([new MetricColumn("flat", Enumerable.Repeat(3.0, 50).ToArray())]))).Should().Throw<ArgumentException>().WithMessage("*'flat' is constant*");
    }

    [Fact]
    public void RerandomizeClusters_HalfTheVarianceBetweenClusters_NaiveOverRejectsAndIsFlagged_ClusterRobustIsCalibrated()
    {
        // 100 clusters of 100 units; cluster effect and unit noise both N(0, 1), so half of the variance lies between
        // clusters (ICC 0.5). Re-randomising whole clusters and analysing units naively rejects far above alpha: the design
        // effect 1 + (m − 1)·ICC = 50.5 inflates the naive z by √50.5 ≈ 7.1, so P(|Z·7.1| > 1.96) ≈ 78 %.
        var rng = new Random(12);
        var effect = Enumerable.Range(0, 100).Select(_ => Normal.Sample(rng, 0, 1)).ToArray();
        var y = Enumerable.Range(0, 10_000).Select(i => effect[i / 100] + Normal.Sample(rng, 0, 1)).ToArray();
        var clusters = Enumerable.Range(0, 10_000).Select(i => (long)(i / 100)).ToArray();
        var report = new AaTestValidator(new AaValidationOptions { Iterations = 2_000, Seed = 5 }).RerandomizeClusters([new MetricColumn("y", y)], clusters);
        report.Metrics.Should().HaveCount(2);
        var naive = report.Metrics.Single(r => r.Analysis == AaAnalysis.UnitLevel);
        var robust = report.Metrics.Single(r => r.Analysis == AaAnalysis.ClusterRobust);
        naive.FalsePositiveRate.Should().BeInRange(0.70, 0.86);
        naive.IsCalibrated.Should().BeFalse("the validator must flag the naive analysis of clustered data");
        var low = Enumerable.Range(0, 2001).First(x => Binomial.CDF(0.05, 2000, x) >= 0.0005);
        var high = Enumerable.Range(0, 2001).First(x => Binomial.CDF(0.05, 2000, x) >= 0.9995);
        robust.Iterations.Should().Be(2000);
        robust.FalsePositives.Should().BeInRange(low, high);
        robust.IsCalibrated.Should().BeTrue();
        robust.Clusters.Should().Be(100);
        robust.MinimumDetectableRelativeEffect.Should().BeNull();
    }

    [Fact]
    public void Rerandomize_Mde_IsNullWithoutAMeanOrAVariance_AndUsesTheAbsoluteMean()
    {
        // A relative MDE is effect × sd / |mean|: undefined for a mean of 0 (it was ∞ under a mutant; a constant metric is
        // refused before any work); a metric and its negation have the same relative MDE (a mutant keyed on the sum skipped negative metrics).
        var rng = new Random(4);
        var positive = Enumerable.Range(0, 400).Select(_ => 5 + Normal.Sample(rng, 0, 1)).ToArray();
        var centred = positive.Select(v => v - positive.Average()).ToArray();
        var report = new AaTestValidator(new AaValidationOptions { Iterations = 40, Seed = 3 }).Rerandomize(
        [
            new MetricColumn("positive", positive),
            new MetricColumn("negative", positive.Select(v => -v).ToArray()),
            new MetricColumn("zero-mean", centred),
        ]);

        var mde = report.Metrics.ToDictionary(r => r.Metric, r => r.MinimumDetectableRelativeEffect);
        mde["positive"].Should().NotBeNull().And.BePositive();
        mde["negative"].Should().BeApproximately(mde["positive"]!.Value, 1e-12);
        mde["zero-mean"].Should().BeNull();
    }

    [Fact]
    public void RerandomizeClusters_TwoMetrics_EachMetricKeepsItsOwnPValues()
    {
        // Metric y has a cluster effect (ICC 0.5, naive over-rejects, as above); metric z is unit noise only (ICC 0), so both of
        // its analyses are calibrated. A mix-up of the per-metric p-value slots (found by mutation testing: every earlier test
        // had one metric) gives z y's rejections, or no p-values at all.
        var rng = new Random(21);
        var effect = Enumerable.Range(0, 60).Select(_ => Normal.Sample(rng, 0, 1)).ToArray();
        var y = Enumerable.Range(0, 6_000).Select(i => effect[i / 100] + Normal.Sample(rng, 0, 1)).ToArray();
        var z = Enumerable.Range(0, 6_000).Select(_ => Normal.Sample(rng, 0, 1)).ToArray();
        var clusters = Enumerable.Range(0, 6_000).Select(i => (long)(i / 100)).ToArray();
        var report = new AaTestValidator(new AaValidationOptions { Iterations = 600, Seed = 9 })
            .RerandomizeClusters([new MetricColumn("y", y), new MetricColumn("z", z)], clusters);

        var low = Enumerable.Range(0, 601).First(x => Binomial.CDF(0.05, 600, x) >= 0.0005);
        var high = Enumerable.Range(0, 601).First(x => Binomial.CDF(0.05, 600, x) >= 0.9995);
        report.Metrics.Should().HaveCount(4);
        var yNaive = report.Metrics.Single(r => r.Metric == "y" && r.Analysis == AaAnalysis.UnitLevel);
        yNaive.FalsePositiveRate.Should().BeGreaterThan(0.5);
        foreach (var r in report.Metrics.Where(r => r.Metric == "z" || r.Analysis == AaAnalysis.ClusterRobust))
        {
            r.Iterations.Should().Be(600);
            r.FalsePositives.Should().BeInRange(low, high, $"{r.Metric} {r.Analysis} is calibrated");
        }
    }

    [Fact]
    public void ClusterEngine_PValues_EqualTheReadoutsTestsOnTheExplicitSplit()
    {
        var rng = new Random(8);
        var n = 900;
        var cluster = Enumerable.Range(0, n).Select(i => i % 30).ToArray();
        var y = Enumerable.Range(0, n).Select(i => cluster[i] * 0.1 + rng.NextDouble() * 3).ToArray();
        var engine = new ClusterRerandomizationEngine([y], cluster, 30);
        var mask = new ulong[engine.Words];
        Span<double> naive = stackalloc double[1], robust = stackalloc double[1];
        engine.RunIteration(77, 4, 0.5, mask, naive, robust);
        var treated = cluster.Select(c => ((mask[0] >> c) & 1) == 1).ToArray();
        var welch = WelchTTest.Compute(y.Where((_, i) => !treated[i]).ToArray(), y.Where((_, i) => treated[i]).ToArray());
        naive[0].Should().BeApproximately(welch.PValue, 1e-10);
        var cr = CohortKit.Experiments.Clustering.ClusterRobust.Compute(y, treated, cluster.Select(c => (long)c).ToArray());
        robust[0].Should().BeApproximately(cr.PValue, 1e-10);
    }
}
