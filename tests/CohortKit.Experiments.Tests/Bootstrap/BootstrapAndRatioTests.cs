using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.Bootstrap;
using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Ratio;
using CohortKit.Experiments.Sequential;
using CohortKit.Learners;
using CohortKit.Metrics;

namespace CohortKit.Experiments.Tests.Bootstrap;

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

    [Fact]
    public void Bca_BiasCorrection_CountsTheResamplesBelowTheEstimate_ExactBootstrapDistribution()
    {
        // Control all 0 and treatment nine 0s and one 100: a resampled difference is 10·K with K ~ Binomial(10, 0.1) outlier
        // picks, so the bootstrap distribution is known exactly. The estimate is 10 (K = 1), and the share of resamples below
        // it is P(K = 0) = 0.9^10 (not P(K ≥ 2), the share above): z0 = Φ⁻¹(0.9^10). With the jackknife acceleration a, the
        // BCa levels Φ(z0 + (z0 + z)/(1 − a(z0 + z))) for z = ±1.96 fall well inside steps of the binomial's CDF, so the bounds
        // are 10 × the binomial quantiles, exactly.
        double[] control = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        double[] treatment = [0, 0, 0, 0, 0, 0, 0, 0, 0, 100];
        var z0 = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, Math.Pow(0.9, 10));
        var a = BootstrapInterval.Acceleration(control, treatment, 0, 100);
        double Level(double z) => MathNet.Numerics.Distributions.Normal.CDF(0, 1, z0 + (z0 + z) / (1 - a * (z0 + z)));
        var binomial = new MathNet.Numerics.Distributions.Binomial(0.1, 10);
        double Bound(double level)
        {
            var k = 0;
            while (binomial.CumulativeDistribution(k) < level) { k++; }
            // The level must sit inside a step, away from its edges, for Monte Carlo noise not to matter.
            Math.Min(level - (k == 0 ? 0 : binomial.CumulativeDistribution(k - 1)), binomial.CumulativeDistribution(k) - level).Should().BeGreaterThan(0.01);
            return 10 * k;
        }

        var r = BootstrapInterval.DifferenceInMeans(control, treatment, BootstrapMethod.BCa, resamples: 20_000, seed: 5);
        r.Estimate.Should().Be(10);
        r.Interval.Low.Should().Be(Bound(Level(-1.959963984540054)));
        r.Interval.High.Should().Be(Bound(Level(1.959963984540054)));
    }
}
