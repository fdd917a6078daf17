using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.Bootstrap;
using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Ratio;
using CohortKit.Experiments.Sequential;
using CohortKit.Learners;
using CohortKit.Metrics;

namespace CohortKit.Experiments.Tests.Drift;

public class DriftTests
{
    private static double[] Normal(int n, double mean, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => mean + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
    }

    [Fact]
    public void Psi_OfTheSameDistribution_IsNearZero_AndOfAShiftedOne_IsLarge()
    {
        MeasurementDrift.PopulationStabilityIndex(Normal(50_000, 0, 1), Normal(50_000, 0, 2)).Should().BeLessThan(0.01);
        MeasurementDrift.PopulationStabilityIndex(Normal(50_000, 0, 1), Normal(50_000, 0.5, 2)).Should().BeGreaterThan(0.2);
    }

    [Fact]
    public void Psi_MatchesHandComputedValue()
    {
        // Before: deciles of 0..99 put ten values in each bin; after: 0..49 twice -> bins 0-4 hold 20 each, bins 5-9 hold 0.
        var before = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        var after = Enumerable.Range(0, 100).Select(i => (double)(i % 50)).ToArray();
        var expected = 5 * (0.2 - 0.1) * Math.Log(0.2 / 0.1) + 5 * (1e-4 - 0.1) * Math.Log(1e-4 / 0.1);
        MeasurementDrift.PopulationStabilityIndex(before, after).Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void PsiOfCounts_MatchesHandComputedValue_AndRejectsBadCounts()
    {
        // Shares (0.5, 0.3, 0.2) -> (0.2, 0.3, 0.5), written out; the totals differ (10 vs 20) and only shares matter.
        var expected = (0.2 - 0.5) * Math.Log(0.2 / 0.5) + 0 + (0.5 - 0.2) * Math.Log(0.5 / 0.2);
        MeasurementDrift.PopulationStabilityIndexOfCounts([5, 3, 2], [4, 6, 10]).Should().BeApproximately(expected, 1e-12);
        FluentActions.Invoking(() => MeasurementDrift.PopulationStabilityIndexOfCounts([1, 2], [1, 2, 3])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("after");
        FluentActions.Invoking(() => MeasurementDrift.PopulationStabilityIndexOfCounts([1, -2], [1, 2])).Should().Throw<ArgumentException>().WithMessage("before[1]*");
        FluentActions.Invoking(() => MeasurementDrift.PopulationStabilityIndexOfCounts([1, 2], [0, 0])).Should().Throw<ArgumentException>().WithMessage("after has no counts*");
    }

    [Fact]
    public void Compare_FlagsASignificantShiftAboveTheThreshold_AndNotNoise()
    {
        var before = Normal(200_000, 100, 3);
        var shifted = Normal(200_000, 100.5, 4);
        var same = Normal(200_000, 100, 5);
        var seg = CategoricalColumn.Encode("region", Enumerable.Range(0, 200_000).Select(i => i % 2 == 0 ? "EU" : "Asia"));
        var drift = MeasurementDrift.Compare([new MetricColumn("m", before)], [new MetricColumn("m", shifted)], seg, seg);
        drift[0].Flagged.Should().BeTrue();
        drift[0].RelativeChange.Should().BeApproximately(0.005, 0.001);
        drift.Should().HaveCount(3);
        MeasurementDrift.Compare([new MetricColumn("m", before)], [new MetricColumn("m", same)])[0].Flagged.Should().BeFalse();
    }

    // Segments: A has 3 units before and 4 after; B exactly 2 and 2 (the smallest a Welch test takes); C has only one unit
    // after (skipped); D does not occur after at all (skipped). Means, counts and B's p-value are worked out by hand.
    private static readonly (string Segment, double Value)[] SegmentedBefore =
        [("A", 1), ("B", 10), ("A", 2), ("C", 5), ("D", 0), ("B", 12), ("C", 6), ("A", 3), ("C", 7), ("D", 1)];

    private static readonly (string Segment, double Value)[] SegmentedAfter =
        [("B", 11), ("A", 2), ("A", 3), ("C", 6), ("A", 4), ("B", 13), ("A", 5)];

    private static IReadOnlyList<DriftResult> CompareSegmented() => MeasurementDrift.Compare(
        [new MetricColumn("m", SegmentedBefore.Select(x => x.Value).ToArray())],
        [new MetricColumn("m", SegmentedAfter.Select(x => x.Value).ToArray())],
        CategoricalColumn.Encode("seg", SegmentedBefore.Select(x => x.Segment)),
        CategoricalColumn.Encode("seg", SegmentedAfter.Select(x => x.Segment)));

    [Fact]
    public void Compare_PerSegment_UsesOnlyThatSegmentsUnits_AndSkipsSegmentsWithFewerThanTwoUnitsOrAbsentLater()
    {
        var drift = CompareSegmented();
        drift.Select(d => d.Segment).Should().Equal(null, "A", "B");

        drift[0].BeforeN.Should().Be(10);
        drift[0].AfterN.Should().Be(7);
        drift[0].BeforeMean.Should().BeApproximately(47.0 / 10, 1e-12);
        drift[0].AfterMean.Should().BeApproximately(44.0 / 7, 1e-12);

        var a = drift[1];
        (a.BeforeN, a.AfterN).Should().Be((3L, 4L));
        a.BeforeMean.Should().BeApproximately(2.0, 1e-12);
        a.AfterMean.Should().BeApproximately(3.5, 1e-12);
        a.RelativeChange.Should().BeApproximately(0.75, 1e-12);

        // B: 10, 12 vs 11, 13. t = 1/√(2/2 + 2/2) = 1/√2 on Welch df (1 + 1)²/(1 + 1) = 2, and Student's t with 2 df has
        // the closed form P(|T| > t) = 1 − t/√(2 + t²), which is 1 − 1/√5 here (SciPy ttest_ind(equal_var=False): 0.5527864045).
        var b = drift[2];
        (b.BeforeN, b.AfterN).Should().Be((2L, 2L));
        b.BeforeMean.Should().BeApproximately(11.0, 1e-12);
        b.AfterMean.Should().BeApproximately(12.0, 1e-12);
        b.PValue.Should().BeApproximately(1 - 1 / Math.Sqrt(5), 1e-9);
    }

    [Fact]
    public void Compare_ThresholdZero_IsAllowed_AndFlagsASignificantChange()
    {
        var drift = MeasurementDrift.Compare([new MetricColumn("m", new[] { 1.0, 2, 3, 4, 5 })], [new MetricColumn("m", new[] { 11.0, 12, 13, 14, 15 })], threshold: 0);
        drift.Should().ContainSingle().Which.Flagged.Should().BeTrue();
    }

    [Fact]
    public void Compare_BadArguments_ThrowNamingThem()
    {
        MetricColumn[] m = [new MetricColumn("m", new[] { 1.0, 2, 3 })];
        MetricColumn[] none = [];
        var seg = CategoricalColumn.Encode("seg", ["x", "y", "x"]);
        ((Action)(() => MeasurementDrift.Compare(null!, m))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("before");
        ((Action)(() => MeasurementDrift.Compare(none, null!))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("after");
        ((Action)(() => MeasurementDrift.Compare(none, none, alpha: 0))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("alpha");
        ((Action)(() => MeasurementDrift.Compare(m, m, threshold: -0.01))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The threshold must be ≥ 0.*").And.ParamName.Should().Be("threshold");
        ((Action)(() => MeasurementDrift.Compare(m, m, threshold: double.NaN))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("threshold");
        ((Action)(() => MeasurementDrift.Compare(m, m, beforeSegment: seg))).Should().Throw<ArgumentException>().WithMessage("*both periods*").And.ParamName.Should().Be("afterSegment");
        ((Action)(() => MeasurementDrift.Compare(m, [new MetricColumn("n", new[] { 1.0, 2, 3 })]))).Should().Throw<ArgumentException>()
            .WithMessage("Metric 'm' is missing from the later period*").And.ParamName.Should().Be("after");
    }

    [Fact]
    public void Psi_BadArguments_ThrowNamingThem()
    {
        double[] ok = [1, 2, 3];
        ((Action)(() => MeasurementDrift.PopulationStabilityIndex(ok, ok, bins: 1))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("bins");
        ((Action)(() => MeasurementDrift.PopulationStabilityIndex([], ok))).Should().Throw<ArgumentException>().WithMessage("The earlier period has 0*").And.ParamName.Should().Be("before");
        ((Action)(() => MeasurementDrift.PopulationStabilityIndex(ok, []))).Should().Throw<ArgumentException>().WithMessage("The later period has 0*").And.ParamName.Should().Be("after");
        ((Action)(() => MeasurementDrift.PopulationStabilityIndex([1.0, double.NaN], ok))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("before");
        ((Action)(() => MeasurementDrift.PopulationStabilityIndex(ok, [1.0, double.PositiveInfinity]))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("after");
    }

    [Fact]
    public void Psi_TiedCutPointsAreMerged_MatchesHandComputedValue()
    {
        // Five bins over 10 values: the cut points are sorted[2], sorted[4], sorted[6], sorted[8] = 1, 1, 1, 2, merged to
        // {1, 2}, so the bins are (−∞, 1), [1, 2), [2, ∞). Before: 2, 6, 2 units; after: 0 → 1, {1, 1.5, 1.5, 1.5} → 4, 2s → 5.
        double[] before = [0, 0, 1, 1, 1, 1, 1, 1, 2, 2];
        double[] after = [0, 1, 1.5, 1.5, 1.5, 2, 2, 2, 2, 2];
        var expected = (0.1 - 0.2) * Math.Log(0.1 / 0.2) + (0.4 - 0.6) * Math.Log(0.4 / 0.6) + (0.5 - 0.2) * Math.Log(0.5 / 0.2);
        MeasurementDrift.PopulationStabilityIndex(before, after, bins: 5).Should().BeApproximately(expected, 1e-12);
    }
}
