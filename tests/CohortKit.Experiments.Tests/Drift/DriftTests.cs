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
}
