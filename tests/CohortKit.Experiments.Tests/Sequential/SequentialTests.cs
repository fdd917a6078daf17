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
}
