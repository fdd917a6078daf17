using CohortKit.Experiments.Effects;
using CohortKit.Metrics;
using CohortKit.Testing;

// In the root test namespace: a CohortKit.Experiments.Tests.Effects namespace would hide CohortKit.Experiments.Effects from the other tests.
namespace CohortKit.Experiments.Tests;

public sealed class MeanIntervalTests
{
    [Fact]
    public void Compute_MatchesScipyTInterval()
    {
        var cases = SharedData.Cases("experiments/mean_interval.json").ToList();
        cases.Should().HaveCount(5);
        foreach (var c in cases)
        {
            var alpha = c.GetProperty("alpha").GetDouble();
            var expected = c.GetProperty("expected");
            var ci = MeanInterval.Compute(MetricSummary.FromSpan(c.Doubles("values")), alpha);
            var name = c.GetProperty("name").GetString();
            ci.Low.Should().BeApproximately(expected.GetProperty("low").GetDouble(), 1e-9 * Math.Abs(expected.GetProperty("low").GetDouble()) + 1e-12, name);
            ci.High.Should().BeApproximately(expected.GetProperty("high").GetDouble(), 1e-9 * Math.Abs(expected.GetProperty("high").GetDouble()) + 1e-12, name);
            ci.Level.Should().Be(1 - alpha);
        }
    }

    [Fact]
    public void Compute_OneObservation_ThrowsNamingSummary()
    {
        var act = () => MeanInterval.Compute(MetricSummary.FromSpan([3.0]));
        act.Should().Throw<ArgumentException>().WithParameterName("summary");
    }

    [Fact]
    public void Compute_AlphaOutOfRange_ThrowsNamingAlpha()
    {
        var act = () => MeanInterval.Compute(MetricSummary.FromSpan([3.0, 4.0]), 1.0);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("alpha");
    }
}
