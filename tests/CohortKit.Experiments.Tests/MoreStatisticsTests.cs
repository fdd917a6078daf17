using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.Bootstrap;
using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Ratio;
using CohortKit.Experiments.Sequential;
using CohortKit.Learners;
using CohortKit.Metrics;

namespace CohortKit.Experiments.Tests.More;

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

public class BootstrapAndRatioTests
{
    [Theory]
    [InlineData(BootstrapMethod.Percentile)]
    [InlineData(BootstrapMethod.BCa)]
    public void Bootstrap_OnLargeSymmetricData_AgreesWithWelch_AndIsSeeded(BootstrapMethod method)
    {
        var rng = new Random(8);
        var c = Enumerable.Range(0, 3000).Select(_ => rng.NextDouble() * 10).ToArray();
        var t = Enumerable.Range(0, 3000).Select(_ => 0.3 + rng.NextDouble() * 10).ToArray();
        var welch = WelchTTest.Compute(c, t);
        var (est, (low, high, level)) = BootstrapInterval.DifferenceInMeans(c, t, method, 4000, seed: 5);
        level.Should().Be(0.95);
        est.Should().BeApproximately(welch.AbsoluteEffect, 1e-12);
        var halfWidth = (welch.Interval.High - welch.Interval.Low) / 2;
        low.Should().BeApproximately(welch.Interval.Low, 0.1 * halfWidth);
        high.Should().BeApproximately(welch.Interval.High, 0.1 * halfWidth);
        BootstrapInterval.DifferenceInMeans(c, t, method, 4000, seed: 5).Should().Be(new BootstrapResult(est, new CohortKit.Statistics.ConfidenceInterval(low, high, level)));
    }

    [Fact]
    public void Bootstrap_BCa_ShiftsTowardsTheSkew()
    {
        var rng = new Random(9);
        var c = Enumerable.Range(0, 200).Select(_ => Math.Exp(2 * rng.NextDouble() * rng.NextDouble() * 3)).ToArray();
        var t = Enumerable.Range(0, 200).Select(_ => Math.Exp(2 * rng.NextDouble() * rng.NextDouble() * 3)).ToArray();
        var p = BootstrapInterval.DifferenceInMeans(c, t, BootstrapMethod.Percentile, 5000, 1);
        var bca = BootstrapInterval.DifferenceInMeans(c, t, BootstrapMethod.BCa, 5000, 1);
        bca.Should().NotBe(p);
        bca.Interval.Low.Should().BeLessThan(bca.Interval.High);
    }

    [Theory]
    // Φ(z₀ + (z₀ + z)/(1 − a(z₀ + z))) with z = ±1.959963984540054, from Python's statistics.NormalDist (see PROVENANCE.md).
    [InlineData(0.1, 0.05, -1.9599639845400538, 0.05461007689835956)]
    [InlineData(0.1, 0.05, 1.9599639845400536, 0.9917237368688839)]
    [InlineData(-0.2, 0.08, -1.9599639845400538, 0.020589653684499054)]
    [InlineData(-0.2, 0.08, 1.9599639845400536, 0.9677254626539903)]
    public void Bootstrap_BcaQuantile_MatchesEfronTibshirani(double z0, double a, double z, double expected) =>
        BootstrapInterval.Adjust(z0, a, z).Should().BeApproximately(expected, 1e-14);

    [Fact]
    public void Bootstrap_Acceleration_MatchesTheJackknifeFormulaComputedWithNumpy()
    {
        // NumPy: θᵢ = leave-one-out difference of means over both arms, d = mean(θ) − θᵢ, a = Σd³ / (6 (Σd²)^1.5).
        double[] control = [1.0, 2, 2.5, 7, 12];
        double[] treatment = [0.5, 3, 3.5, 4, 20, 31];
        BootstrapInterval.Acceleration(control, treatment, control.Sum(), treatment.Sum()).Should().BeApproximately(0.045777680289899016, 1e-15);
    }

    [Fact]
    public void RatioDeltaMethod_StandardError_MatchesMonteCarlo()
    {
        // Sessions ~ 1 + Poisson-ish, lessons ~ 0.7 per session with noise: simulate the ratio estimator many times.
        var rng = new Random(12);
        (double[] Num, double[] Den) Sample(int n)
        {
            var den = Enumerable.Range(0, n).Select(_ => 1.0 + rng.Next(10)).ToArray();
            var num = den.Select(d => d * 0.7 + rng.NextDouble() * 3).ToArray();
            return (num, den);
        }

        var estimates = new List<double>();
        for (var k = 0; k < 2000; k++)
        {
            var (num, den) = Sample(400);
            estimates.Add(RatioMetric.Estimate(num, den).Ratio);
        }

        var mean = estimates.Average();
        var empiricalSd = Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (estimates.Count - 1));
        var (n2, d2) = Sample(400);
        RatioMetric.Estimate(n2, d2).StandardError.Should().BeApproximately(empiricalSd, 0.1 * empiricalSd);
    }

    [Fact]
    public void Ratio_ZeroDenominator_Throws()
    {
        ((Action)(() => RatioMetric.Estimate([1, 2], [0, 0]))).Should().Throw<ArgumentException>().WithMessage("*denominators sum to 0*");
    }
}

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
