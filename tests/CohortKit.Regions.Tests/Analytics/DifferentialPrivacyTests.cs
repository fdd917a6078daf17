using CohortKit.Metrics;
using CohortKit.Regions.Analytics;

namespace CohortKit.Regions.Tests.Analytics;

/// <summary>Noise scales against their closed forms (Laplace variance 2b², Gaussian σ² with σ = Δ√(2 ln(1.25/δ))/ε), the budget
/// spent then refused, and the bad inputs named.</summary>
public sealed class DifferentialPrivacyTests
{
    [Theory]
    [InlineData(NoiseMechanism.Laplace, 2.0, 8.0)]   // Var Laplace(b) = 2b²
    [InlineData(NoiseMechanism.Gaussian, 3.0, 9.0)]  // Var N(0, σ²) = σ²
    public void Noise_HasTheClosedFormVariance(NoiseMechanism mechanism, double scale, double variance)
    {
        var rng = new Random(11);
        var draws = Enumerable.Range(0, 200_000).Select(_ => DifferentialPrivacy.Noise(mechanism, scale, rng)).ToArray();
        var s = MetricSummary.FromSpan(draws);
        s.Mean.Should().BeApproximately(0, 5 * Math.Sqrt(variance / draws.Length));
        s.Variance.Should().BeApproximately(variance, 0.03 * variance);
    }

    [Fact]
    public void Release_Laplace_SpendsTheBudget_ThenIsRefused()
    {
        var budget = new PrivacyBudget("minutes-by-plan", epsilon: 1.0);
        var summary = MetricSummary.FromSpan(Enumerable.Range(0, 1000).Select(i => i % 60 * 1.0).ToArray());
        var rng = new Random(5);
        var r = DifferentialPrivacy.Release("pro", summary, 0, 60, 0.5, 0, NoiseMechanism.Laplace, budget, rng);
        r.CountNoiseScale.Should().Be(4); // b = 1/(ε/2)
        r.Count.Should().BeApproximately(1000, 60);
        r.Mean.Should().BeApproximately(summary.Mean, 3);
        DifferentialPrivacy.Release("pro", summary, 0, 60, 0.5, 0, NoiseMechanism.Laplace, budget, rng);
        budget.RemainingEpsilon.Should().BeApproximately(0, 1e-15);
        var act = () => DifferentialPrivacy.Release("pro", summary, 0, 60, 0.1, 0, NoiseMechanism.Laplace, budget, rng);
        act.Should().Throw<PrivacyBudgetExhaustedException>().Which.Dataset.Should().Be("minutes-by-plan");
    }

    [Fact]
    public void Release_Gaussian_UsesTheStatedSigma()
    {
        var budget = new PrivacyBudget("d", 1, 1e-5);
        var summary = MetricSummary.FromSpan([1.0, 2, 3]);
        var r = DifferentialPrivacy.Release("g", summary, 0, 10, 1, 1e-5, NoiseMechanism.Gaussian, budget, new Random(1));
        r.CountNoiseScale.Should().BeApproximately(Math.Sqrt(2 * Math.Log(1.25 / 0.5e-5)) / 0.5, 1e-12);
        budget.RemainingDelta.Should().Be(0);
    }

    [Theory]
    [InlineData(0.0, 0.0, NoiseMechanism.Laplace, "epsilon")]
    [InlineData(-1.0, 0.0, NoiseMechanism.Laplace, "epsilon")]
    [InlineData(0.5, 0.1, NoiseMechanism.Laplace, "delta")]
    [InlineData(0.5, 0.0, NoiseMechanism.Gaussian, "delta")]
    [InlineData(2.0, 1e-5, NoiseMechanism.Gaussian, "epsilon")]
    public void Release_BadParameters_AreNamed(double epsilon, double delta, NoiseMechanism mechanism, string name)
    {
        var budget = new PrivacyBudget("d", 10, 0.1);
        var act = () => DifferentialPrivacy.Release("g", MetricSummary.FromSpan([1.0, 2]), 0, 10, epsilon, delta, mechanism, budget, new Random(1));
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(name);
        budget.RemainingEpsilon.Should().Be(10);
    }

    [Fact]
    public void Release_ValuesOutsideTheBounds_AreRefused_AndBudgetIsValidated()
    {
        var act = () => DifferentialPrivacy.Release("g", MetricSummary.FromSpan([1.0, 200]), 0, 10, 1, 0, NoiseMechanism.Laplace, new PrivacyBudget("d", 1), new Random(1));
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("summary");
        ((Action)(() => _ = new PrivacyBudget("d", 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("epsilon");
        ((Action)(() => _ = new PrivacyBudget("d", 1, 1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("delta");
    }
}
