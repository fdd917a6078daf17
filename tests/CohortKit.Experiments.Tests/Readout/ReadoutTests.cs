using CohortKit.Experiments.Hypothesis;
using System.Text.Json;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Readout;
using CohortKit.Learners;

namespace CohortKit.Experiments.Tests.Readout;

public class ReadoutTests
{
    private static (CategoricalColumn Arm, double[] Y, double[] Binary, CategoricalColumn Segment) Data(int n, int arms, double effect, int seed, Func<int, double>? segmentEffect = null)
    {
        var rng = new Random(seed);
        var armValues = new string[n];
        var segment = new string[n];
        var y = new double[n];
        var binary = new double[n];
        for (var i = 0; i < n; i++)
        {
            var a = rng.Next(arms);
            armValues[i] = a == 0 ? "control" : $"t{a}";
            var s = rng.Next(3);
            segment[i] = $"s{s}";
            var shift = a == 0 ? 0 : segmentEffect?.Invoke(s) ?? effect;
            y[i] = 10 + shift + rng.NextDouble() * 4;
            binary[i] = rng.NextDouble() < 0.3 + (a == 0 ? 0 : shift / 100) ? 1 : 0;
        }

        return (CategoricalColumn.Encode("arm", armValues), y, binary, CategoricalColumn.Encode("segment", segment));
    }

    [Fact]
    public void Analyze_MatchesTheUnderlyingTests_AndPicksProportionFor01Metrics()
    {
        var (arm, y, binary, _) = Data(4000, 2, 0.2, 1);
        var readout = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("y", y)), new(new MetricColumn("converted", binary))]));
        var control = y.Where((_, i) => arm[i] == "control").ToArray();
        var treated = y.Where((_, i) => arm[i] != "control").ToArray();
        var welch = WelchTTest.Compute(control, treated);
        var m = readout.Metrics.Single(r => r.Metric == "y");
        m.Test.Should().Be(Effects.TwoSampleTest.Welch);
        m.PValue.Should().Be(welch.PValue);
        m.Interval.Low.Should().Be(welch.Interval.Low);
        readout.Metrics.Single(r => r.Metric == "converted").Test.Should().Be(Effects.TwoSampleTest.Proportion);
        readout.Srm.Observed.Sum().Should().Be(4000);
        readout.Trustworthy.Should().BeTrue();
    }

    [Fact]
    public void Analyze_Bonferroni_MultipliesPAndWidensIntervals_AndSaysSo()
    {
        var (arm, y, binary, _) = Data(3000, 3, 0.1, 2);
        var metrics = new List<ExperimentMetric> { new(new MetricColumn("y", y)), new(new MetricColumn("b", binary)) };
        var plain = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(arm, "control", metrics));
        var adjusted = new ExperimentAnalyzer(new ReadoutOptions { Correction = Correction.Bonferroni }).Analyze(new ExperimentData(arm, "control", metrics));
        plain.Metrics.Should().HaveCount(4, "two metrics × two treatment arms");
        for (var i = 0; i < 4; i++)
        {
            adjusted.Metrics[i].AdjustedPValue.Should().BeApproximately(Math.Min(1, plain.Metrics[i].PValue * 4), 1e-15);
            (adjusted.Metrics[i].Interval.High - adjusted.Metrics[i].Interval.Low).Should().BeGreaterThan(plain.Metrics[i].Interval.High - plain.Metrics[i].Interval.Low);
            adjusted.Metrics[i].Adjustment.Should().Contain("bonferroni over 4");
            adjusted.Metrics[i].Alpha.Should().Be(0.05 / 4, "the row's intervals are at 1 − α/m, and the row says so");
        }
    }

    [Fact]
    public void Analyze_SampleRatioMismatch_MarksTheReadoutUntrustworthy()
    {
        var arms = Enumerable.Range(0, 10_000).Select(i => i % 100 < 47 ? "control" : "treatment").ToArray();
        var y = Enumerable.Range(0, 10_000).Select(i => (double)(i % 13)).ToArray();
        var readout = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(CategoricalColumn.Encode("arm", arms), "control", [new(new MetricColumn("y", y))]));
        readout.Srm.PValue.Should().BeLessThan(0.001);
        readout.Trustworthy.Should().BeFalse();
    }

    [Fact]
    public void Analyze_GuardrailRegressingInOneSegment_IsCaught()
    {
        var (arm, y, _, segment) = Data(9000, 2, 0, 3, s => s == 2 ? -1.0 : 0.0);
        var readout = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("y", y), MetricRole.Guardrail)]) { Segment = segment });
        readout.Segments.Single(r => r.Segment == "s2").Regression.Should().BeTrue();
        readout.Segments.Where(r => r.Segment != "s2").Should().OnlyContain(r => !r.Regression);
        readout.NoGuardrailRegression.Should().BeFalse();
        readout.Segments.Should().OnlyContain(r => r.Adjustment.StartsWith("guardrail: not adjusted", StringComparison.Ordinal));
    }

    [Fact]
    public void BadInput_ThrowsNamingTheProblem()
    {
        var arm = CategoricalColumn.Encode("arm", ["a", "b", "a", "b"]);
        ((Func<ExperimentData>)(() => new ExperimentData(arm, "control", [new(new MetricColumn("y", new double[4]))]))).Should().Throw<ArgumentException>().WithMessage("*'control' is not present in column 'arm'*");
        var nan = new ExperimentData(arm, "a", [new(new MetricColumn("y", new[] { 1, double.NaN, 2, 3 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer(new ReadoutOptions()).Analyze(nan))).Should().Throw<ArgumentException>().WithMessage("*'y' has NaN at unit 1*");
        var notBinary = new ExperimentData(arm, "a", [new(new MetricColumn("y", new[] { 1.0, 2, 0, 1 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer(new ReadoutOptions { Test = TestChoice.Proportion }).Analyze(notBinary))).Should().Throw<ArgumentException>().WithMessage("*other than 0 and 1*");
        var constant = new ExperimentData(arm, "a", [new(new MetricColumn("y", new[] { 1.0, 1, 1, 1 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer(new ReadoutOptions()).Analyze(constant))).Should().Throw<ArgumentException>();
        ((Func<ExperimentAnalyzer>)(() => new ExperimentAnalyzer(new ReadoutOptions { Alpha = 1.5 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("Alpha");
        var tiny = new ExperimentData(CategoricalColumn.Encode("arm", ["a", "b", "b"]), "a", [new(new MetricColumn("y", new[] { 1.0, 2, 3 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer(new ReadoutOptions()).Analyze(tiny))).Should().Throw<ArgumentException>().WithMessage("*control arm has 1 observation*");
    }

    [Fact]
    public void Analyze_Families_PrimaryAndSecondaryAdjustedApart_GuardrailsNever()
    {
        var (arm, y, binary, _) = Data(3000, 3, 0.1, 7);
        var y2 = y.Select((v, i) => v * 2 + (i % 5)).ToArray();
        var metrics = new List<ExperimentMetric>
        {
            new(new MetricColumn("p1", y)), new(new MetricColumn("p2", binary)),
            new(new MetricColumn("s1", y2), MetricRole.Secondary),
            new(new MetricColumn("g1", y), MetricRole.Guardrail),
        };
        var plain = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(arm, "control", metrics));
        var adjusted = new ExperimentAnalyzer(new ReadoutOptions { Correction = Correction.Bonferroni }).Analyze(new ExperimentData(arm, "control", metrics));
        for (var i = 0; i < plain.Metrics.Count; i++)
        {
            var (p, a) = (plain.Metrics[i], adjusted.Metrics[i]);
            // Family sizes: primary 2 metrics × 2 arms = 4, secondary 1 × 2 = 2, guardrails unadjusted.
            var m = p.Role switch { MetricRole.Primary => 4, MetricRole.Secondary => 2, _ => 1 };
            a.AdjustedPValue.Should().BeApproximately(Math.Min(1, p.PValue * m), 1e-15, $"{p.Metric} {p.Arm}");
            a.Alpha.Should().Be(0.05 / m, $"{p.Metric} {p.Arm}");
            if (m == 1)
            {
                (a.Interval.Low, a.Interval.High).Should().Be((p.Interval.Low, p.Interval.High), "a guardrail's interval is never widened");
                a.Adjustment.Should().StartWith("guardrail: not adjusted");
            }
        }
    }

    [Fact]
    public void Analyze_Auto_ChoosesTheTestOncePerMetric_NotPerSegment()
    {
        // In segment "free" the metric is 0/1; in "paid" it is not. The whole metric is not 0/1, so every row uses Welch.
        var rng = new Random(5);
        var n = 2000;
        var arms = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? "control" : "treatment").ToArray();
        var plan = Enumerable.Range(0, n).Select(i => i % 4 < 2 ? "free" : "paid").ToArray();
        var y = plan.Select(p => p == "free" ? (rng.NextDouble() < 0.3 ? 1.0 : 0.0) : 1 + rng.NextDouble() * 5).ToArray();
        var readout = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(CategoricalColumn.Encode("arm", arms), "control", [new(new MetricColumn("y", y))])
        {
            Segment = CategoricalColumn.Encode("plan", plan),
        });
        readout.Metrics.Concat(readout.Segments).Should().OnlyContain(r => r.Test == Effects.TwoSampleTest.Welch);
        readout.Segments.Should().HaveCount(2);
    }

    [Fact]
    public void Analyze_CovariateWithClusters_IsRefusedRatherThanSilentlyDroppingCuped()
    {
        var arm = CategoricalColumn.Encode("arm", ["a", "b", "a", "b", "a", "b"]);
        var data = new ExperimentData(arm, "a", [new(new MetricColumn("y", new[] { 1.0, 2, 3, 4, 5, 7 }), Covariate: new MetricColumn("pre", new[] { 1.0, 2, 2, 4, 5, 6 }))])
        {
            Clusters = [1, 1, 2, 2, 3, 3],
        };
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer(new ReadoutOptions()).Analyze(data))).Should().Throw<ArgumentException>().WithMessage("*CUPED with cluster-robust errors is not implemented*");
    }

    [Fact]
    public void Analyze_GuardrailWhereLowerIsBetter_ASignificantRiseIsARegression()
    {
        var (arm, y, _, _) = Data(6000, 2, 0.5, 8);
        var readout = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("churn", y), MetricRole.Guardrail, HigherIsBetter: false)]));
        readout.Metrics[0].Interval.Low.Should().BePositive("the treatment raised the metric by 0.5");
        readout.Metrics[0].Regression.Should().BeTrue();
        readout.NoGuardrailRegression.Should().BeFalse();
        var none = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("y", y))]));
        none.NoGuardrailRegression.Should().BeNull("there are no guardrails to speak of");
    }

    [Fact]
    public void Analyze_ConstantMetricOverall_NamesTheMetricAndArm()
    {
        var arm = CategoricalColumn.Encode("arm", Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? "control" : "treatment").ToArray());
        var varying = Enumerable.Range(0, 40).Select(i => (double)(i % 7)).ToArray();
        var flat = Enumerable.Repeat(12.7, 40).ToArray();
        var act = () => new ExperimentAnalyzer(new ReadoutOptions { Test = TestChoice.Welch })
            .Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("minutes", varying)), new(new MetricColumn("score", flat))]));
        act.Should().Throw<ArgumentException>()
            .WithMessage("Metric 'score', arm 'treatment' against 'control': Both arms have zero variance*")
            .And.ParamName.Should().Be("data");
    }

    [Fact]
    public void Analyze_SegmentWhereAMetricIsConstant_IsListedAsSkipped_NotDroppedSilently()
    {
        var (arm, y, _, segment) = Data(3000, 2, 0.2, 4);
        // In segment s1 every unit has the same score: Welch's test is undefined there.
        var score = y.Select((v, i) => segment[i] == "s1" ? 5.0 : v).ToArray();
        var readout = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(
            new ExperimentData(arm, "control", [new(new MetricColumn("y", y)), new(new MetricColumn("score", score))]) { Segment = segment });
        readout.Segments.Should().HaveCount(3 * 2 - 1, "three segments × two metrics, less the undefined one");
        readout.Segments.Should().NotContain(r => r.Metric == "score" && r.Segment == "s1");
        var skipped = readout.SkippedSegments.Should().ContainSingle().Subject;
        skipped.Metric.Should().Be("score");
        skipped.Segment.Should().Be("s1");
        skipped.Arm.Should().Be("t1");
        skipped.Reason.Should().Be(SkipReason.Degenerate);
        skipped.Detail.Should().StartWith("Both arms have zero variance").And.NotContain("(Parameter");
    }

    [Fact]
    public void Analyze_SegmentWithOneTreatedUnit_IsListedAsTooFewUnits()
    {
        var arms = new[] { "control", "control", "t", "t", "control", "control", "t" };
        var seg = new[] { "a", "a", "a", "a", "b", "b", "b" };
        var y = new[] { 1.0, 2, 3, 5, 1, 4, 2 };
        var readout = new ExperimentAnalyzer(new ReadoutOptions()).Analyze(
            new ExperimentData(CategoricalColumn.Encode("arm", arms), "control", [new(new MetricColumn("y", y))]) { Segment = CategoricalColumn.Encode("segment", seg) });
        readout.Segments.Should().ContainSingle().Which.Segment.Should().Be("a");
        readout.SkippedSegments.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Metric = "y", Arm = "t", Segment = "b", Reason = SkipReason.TooFewUnits,
        });
    }

    [Fact]
    public void Analyze_EverySegmentCompared_SkipsNothing()
    {
        var (arm, y, _, segment) = Data(3000, 2, 0.2, 5);
        new ExperimentAnalyzer(new ReadoutOptions()).Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("y", y))]) { Segment = segment })
            .SkippedSegments.Should().BeEmpty();
    }
}
