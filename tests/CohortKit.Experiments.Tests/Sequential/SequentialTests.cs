using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.Bootstrap;
using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Ratio;
using CohortKit.Experiments.Sequential;
using CohortKit.Learners;
using CohortKit.Metrics;

namespace CohortKit.Experiments.Tests.Sequential;

public class SequentialTests
{
    [Fact]
    public void Msprt_FirstLook_MatchesTheClosedForm()
    {
        var c = MetricSummary.FromSpan([1.0, 2, 3, 4, 5, 6, 7, 8]);
        var t = MetricSummary.FromSpan([2.0, 3, 4, 5, 6, 7, 8, 9, 10]);
        var test = new MixtureSequentialTest(0.05, 10);
        var look = test.Update(c, t);
        var v = c.Variance / c.Count + t.Variance / t.Count;
        // τ² = r*·(s_c² + s_t²)/N* with r* = argmin (1 + 1/r)(2 ln 20 + ln(1 + r)) = 8.211968062068253, the root of r = 2 ln 20 + ln(1 + r) (SciPy brentq, xtol 1e-15;
        // stationarity of the width factor), sample variances 6 (1..8) and 7.5 (2..10), N* = 10: written out, not read from the object.
        const double RStar = 8.211968062068253;
        var tau2 = RStar * (6 + 7.5) / 10;
        test.MixtureVariance.Should().BeApproximately(tau2, 1e-13 * tau2);
        var theta = t.Mean - c.Mean;
        var lambda = Math.Sqrt(v / (v + tau2)) * Math.Exp(theta * theta * tau2 / (2 * v * (v + tau2)));
        look.PValue.Should().BeApproximately(Math.Min(1, 1 / lambda), 1e-12);
        var half = Math.Sqrt(v * (v + tau2) / tau2 * (2 * Math.Log(20) + Math.Log((v + tau2) / v)));
        look.Interval.Low.Should().BeApproximately(theta - half, 1e-12);
    }

    [Fact]
    public void Msprt_OptimalRatio_MinimisesTheWidth()
    {
        var r = MixtureSequentialTest.OptimalRatio(0.05);
        double F(double x) => (1 + 1 / x) * (2 * Math.Log(20) + Math.Log(1 + x));
        F(r).Should().BeLessThan(F(r * 1.01)).And.BeLessThan(F(r * 0.99));
        r.Should().BeApproximately(8.211968062068253, 1e-13, "the root of r = 2 ln 20 + ln(1 + r) by SciPy brentq");
    }

    [Fact]
    public void SequentialSrm_DetectsABrokenSplit_AndStaysQuietOnABalancedOne()
    {
        var broken = new SequentialSampleRatioMismatch([0.5, 0.5]);
        var balanced = new SequentialSampleRatioMismatch([0.5, 0.5]);
        double pb = 1, pk = 1;
        for (var day = 1; day <= 30; day++)
        {
            pb = broken.Update([day * 1000, day * 1060]);
            pk = balanced.Update([day * 1000 + (day % 3), day * 1000 - (day % 2)]);
        }

        pb.Should().BeLessThan(0.001);
        pk.Should().Be(1);
    }

    [Fact]
    public void Msprt_SeveralLooks_PValueIsTheRunningMinimumOfTheClosedForm()
    {
        // Cumulative looks at deterministic arms with a true shift of 0.6 (noise from a fixed sequence): the expected values
        // are written out from Johari et al.'s mixture likelihood ratio, Λ = √(V/(V + τ²)) · exp(θ²τ²/(2V(V + τ²))), p = the
        // running minimum of min(1, 1/Λ), with τ² fixed at the first look (r* from SciPy brentq, as above).
        const double RStar = 8.211968062068253;
        var rng = new Random(7);
        var control = Enumerable.Range(0, 400).Select(_ => rng.NextDouble() * 4).ToArray();
        var treatment = Enumerable.Range(0, 400).Select(_ => rng.NextDouble() * 4 + 0.6).ToArray();
        var test = new MixtureSequentialTest(0.05, 100);
        double tau2 = double.NaN, p = 1;
        var look = 0;
        var rejected = false;
        foreach (var n in new[] { 10, 20, 40, 25, 80, 160, 400 })
        {
            // One look shrinks the data (25 after 40), so that its p-value is larger and the running minimum must hold.
            var c = MetricSummary.FromSpan(control.AsSpan(0, n));
            var t = MetricSummary.FromSpan(treatment.AsSpan(0, n));
            var result = test.Update(c, t);
            var v = c.Variance / n + t.Variance / n;
            if (double.IsNaN(tau2)) { tau2 = RStar * (c.Variance + t.Variance) / 100; }
            var theta = t.Mean - c.Mean;
            var lambda = Math.Sqrt(v / (v + tau2)) * Math.Exp(theta * theta * tau2 / (2 * v * (v + tau2)));
            p = Math.Min(p, Math.Min(1, 1 / lambda));
            look++;
            result.Look.Should().Be(look);
            result.Effect.Should().BeApproximately(theta, 1e-12);
            result.PValue.Should().BeApproximately(p, 1e-12 * Math.Max(p, 1e-300), $"look {look} (n = {n})");
            result.Reject.Should().Be(p < 0.05);
            var half = Math.Sqrt(v * (v + tau2) / tau2 * (2 * Math.Log(20) + Math.Log((v + tau2) / v)));
            result.Interval.High.Should().BeApproximately(theta + half, 1e-12);
            result.Interval.Level.Should().Be(0.95);
            rejected |= result.Reject;
        }

        p.Should().BeLessThan(1e-6, "a shift of 0.6 against a spread of 4/√12 is found by 400 per arm");
        rejected.Should().BeTrue();
    }

    [Fact]
    public void SequentialSrm_UnequalDesign_MatchesTheDirichletBayesFactorComputedWithScipy()
    {
        // Design 2:1 given unnormalised, concentration 100; p after each look computed with SciPy 1.10.1's gammaln:
        // log BF = lnΓ(Σα) − lnΓ(Σα + Σx) + Σ[lnΓ(αᵢ + xᵢ) − lnΓ(αᵢ)] − Σ xᵢ ln pᵢ, αᵢ = c·pᵢ; p = running min of min(1, 1/BF).
        var srm = new SequentialSampleRatioMismatch([2.0, 1.0], concentration: 100);
        double[] expected = [1.0, 0.23858847047634593, 0.23858847047634593, 0.17917721973513387];
        long[][] looks = [[200, 90], [420, 170], [610, 290], [800, 340]];
        for (var i = 0; i < looks.Length; i++)
        {
            srm.Update(looks[i]).Should().BeApproximately(expected[i], 1e-10 * expected[i], $"look {i + 1}");
        }

        srm.PValue.Should().BeApproximately(expected[^1], 1e-10 * expected[^1]);
        new SequentialSampleRatioMismatch([0.5, 0.25, 0.25], 1_000).Update([5_000, 2_600, 2_300])
            .Should().BeApproximately(0.0016399328118910147, 1e-10 * 0.0016399328118910147, "three arms, same formula in SciPy");
    }

    [Fact]
    public void Sequential_BadArguments_ThrowNamingThem()
    {
        var two = MetricSummary.FromSpan([1.0, 2]);
        var one = MetricSummary.FromSpan([1.0]);
        var flat = MetricSummary.FromSpan([3.0, 3, 3]);
        ((Action)(() => _ = new MixtureSequentialTest(alpha: 1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("alpha");
        ((Action)(() => _ = new MixtureSequentialTest(tuningUnitsPerArm: 1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("tuningUnitsPerArm");
        ((Action)(() => new MixtureSequentialTest().Update(one, two))).Should().Throw<ArgumentException>().WithParameterName("control");
        ((Action)(() => new MixtureSequentialTest().Update(two, one))).Should().Throw<ArgumentException>().WithParameterName("treatment");
        ((Action)(() => new MixtureSequentialTest().Update(flat, flat))).Should().Throw<ArgumentException>().WithMessage("*zero variance*");

        ((Action)(() => _ = new SequentialSampleRatioMismatch([1.0]))).Should().Throw<ArgumentException>().WithParameterName("expectedRatios");
        ((Action)(() => _ = new SequentialSampleRatioMismatch([1.0, 0.0]))).Should().Throw<ArgumentException>().WithParameterName("expectedRatios");
        ((Action)(() => _ = new SequentialSampleRatioMismatch([1.0, 1.0], 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("concentration");
        ((Action)(() => new SequentialSampleRatioMismatch([1.0, 1.0]).Update([1, 2, 3]))).Should().Throw<ArgumentException>().WithParameterName("counts");
        ((Action)(() => new SequentialSampleRatioMismatch([1.0, 1.0]).Update([5, -1]))).Should().Throw<ArgumentException>().WithParameterName("counts");
        new SequentialSampleRatioMismatch([1.0, 1.0]).Update([0, 0]).Should().Be(1, "no units yet: no evidence");
    }
}
