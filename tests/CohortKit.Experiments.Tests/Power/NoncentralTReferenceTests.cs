using CohortKit.Experiments.Distributions;
using CohortKit.Experiments.Power;
using CohortKit.Testing;

namespace CohortKit.Experiments.Tests.Power;

/// <summary>
/// The noncentral t distribution and the t-test power far into the tails (<c>noncentral_t.json</c>: SciPy's <c>nct</c>, which
/// wraps Boost). Lenth's AS 243 series, used before, started at the weight exp(−δ²/2), which underflows beyond δ ≈ 38: a
/// 1.5 + 1.5 unit design with d = 70 read power 1 where the truth is 1 − 1.97e-6, and the effect reaching power 1 − 1e-10
/// read 44.5 instead of 95.2. Heavy-tailed small-df quantiles threw MathNet's NonConvergenceException.
/// </summary>
public class NoncentralTReferenceTests
{
    private static readonly Lazy<System.Text.Json.JsonElement> Reference = new(() => SharedData.Reference("experiments/noncentral_t.json"));

    [Fact]
    public void CdfAndSurvival_MatchSciPy_OnAGridReachingFarTails()
    {
        var cases = Reference.Value.GetProperty("distribution").EnumerateArray().ToList();
        cases.Should().HaveCountGreaterThan(400);
        var misses = new List<string>();
        foreach (var c in cases)
        {
            var (t, df, delta) = (c.GetProperty("t").GetDouble(), c.GetProperty("df").GetDouble(), c.GetProperty("delta").GetDouble());
            Check("cdf", Probability.NoncentralTCdf(t, df, delta), c.GetProperty("cdf").GetDouble());
            Check("sf", Probability.NoncentralTSurvival(t, df, delta), c.GetProperty("sf").GetDouble());

            void Check(string what, double actual, double expected)
            {
                // The tail on the far side of zero from δ (t > 0 with δ < 0, or the mirror) is a difference of series with
                // terms of both signs, each as accurate as MathNet's incomplete beta: absolute accuracy 1e-12 there (4.5e-13
                // at worst on this grid, ν ≤ 1 with δ = −40). Everywhere else relative 1e-9, down to 1e-45 (the reference's
                // 50-digit floor, below which it reads 0).
                var farSide = what == "sf" ? t > 0 && delta < 0 : t < 0 && delta > 0;
                var ok = expected == 0
                    ? actual <= (farSide ? 1e-12 : 1e-40)
                    : Math.Abs(actual - expected) <= Math.Max(1e-9 * expected, farSide ? 1e-12 : 0);
                if (!ok)
                {
                    misses.Add($"{what}(t={t}, df={df}, delta={delta}) = {actual:R}, 50-digit {expected:R}, relative {(actual - expected) / expected:E2}");
                }
            }
        }

        misses.Should().BeEmpty(string.Join(Environment.NewLine, misses));
    }

    [Fact]
    public void TTestPower_MatchesFiftyDigitPower_IncludingPowerWithinMicrosOfOne()
    {
        foreach (var c in Reference.Value.GetProperty("power").EnumerateArray())
        {
            var (d, n, alpha, ratio) = (c.GetProperty("effectSize").GetDouble(), c.GetProperty("nControl").GetDouble(),
                c.GetProperty("alpha").GetDouble(), c.GetProperty("ratio").GetDouble());
            var power = PowerAnalysis.TTestPower(d, n, alpha, ratio);
            var expected = c.GetProperty("power").GetDouble();
            var failure = c.GetProperty("failure").GetDouble();
            if (expected < 0.5)
            {
                power.Should().BeApproximately(expected, 1e-10 * expected, $"{c}");
            }
            else
            {
                // 1 − power is what a planner reads when power is near 1; a double near 1 resolves it to ~1e-16.
                (1 - power).Should().BeApproximately(failure, 1e-9 * failure + 2e-16, $"{c}");
            }
        }

        // The first finding written out: d = 70 with 1.5 + 1.5 units misses with probability 1.97e-6, not 0.
        (1 - PowerAnalysis.TTestPower(70, 1.5)).Should().BeApproximately(1.9714420058578e-6, 1e-15);
    }

    [Fact]
    public void TTestMinimumDetectableEffect_ForPowersNearOne_MatchesTheRootOfSciPysPower()
    {
        foreach (var c in Reference.Value.GetProperty("mde").EnumerateArray())
        {
            var expected = c.GetProperty("effectSize").GetDouble();
            PowerAnalysis.TTestMinimumDetectableEffect(c.GetProperty("nControl").GetDouble(), c.GetProperty("alpha").GetDouble(),
                c.GetProperty("power").GetDouble()).Should().BeApproximately(expected, 1e-8 * expected, $"{c}");
        }
    }

    [Theory]
    [InlineData(1.05, 0.05)] // df = 0.1: the 97.5 % point is about 1e16
    [InlineData(1.05, 1e-10)]
    [InlineData(1.2, 1e-12)]
    public void TTestPower_TinyDegreesOfFreedomOrAlpha_IsAProbability_NotANonConvergenceException(double controlN, double alpha)
    {
        var power = PowerAnalysis.TTestPower(2, controlN, alpha);
        power.Should().BeInRange(alpha, 1);
    }

    // t such that ½·I_{ν/(ν+t²)}(ν/2, ½) = p, solved by mpmath.findroot in 40 digits (mpmath 1.2.1). SciPy 1.10.1's t.ppf
    // agrees to 4e-15 at (0.1, 0.025) and 1e-15 at (0.5, 1e-10) but is 6e-10 off at (0.3, 1e-6): −3.0071858105539804e18.
    [Theory]
    [InlineData(0.1, 0.025, -1682362288745.0254)]
    [InlineData(0.5, 1e-10, -1.02849115631634e+19)]
    [InlineData(0.3, 1e-06, -3.007185808790974e+18)]
    public void StudentTQuantile_HeavyTails_MatchFortyDigitRoots(double df, double p, double expected)
    {
        Probability.StudentTQuantile(p, df).Should().BeApproximately(expected, 1e-12 * Math.Abs(expected));
    }

    // An independent review (mpmath, 30 digits: chi-square mixture integral, exact t quantile) found the MDE stuck at one
    // value for alpha ≤ 1e-15: the t quantile's root finder stopped on |P − p| < 1e-15. n = 100 per arm, power 0.8.
    [Theory]
    [InlineData(1e-15, 2.728538107 / 2)]
    [InlineData(1e-20, 3.229379357 / 2)]
    [InlineData(1e-50, 6.120089312 / 2)]
    public void TTestMinimumDetectableEffect_TinyAlpha_MatchesMpmath(double alpha, double expected)
    {
        PowerAnalysis.TTestMinimumDetectableEffect(100, alpha).Should().BeApproximately(expected, 1e-9 * expected);
    }

    // Beyond 1e8 degrees of freedom the t-test is the z-test to within 1/ν: the MDE is s·√(2/n) where the two-sided z-test's
    // power 1 − Φ(c − s) + Φ(−c − s) (c = z₀.₉₇₅) equals 0.8, s solved here by bisection with MathNet's normal CDF. The review
    // found 2.4e-6 off at n = 1e9, a factor 2 at 1e15, and a hang at 1e26 (MathNet's incomplete beta with such parameters).
    [Theory]
    [InlineData(1e9)]
    [InlineData(1e15)]
    [InlineData(1e26)]
    [InlineData(1e300)]
    public void TTestMinimumDetectableEffect_HugeArms_IsTheZTestsAnswer(double n)
    {
        const double C = 1.959963984540054;
        double lo = 0, hi = 10;
        for (var i = 0; i < 200; i++)
        {
            var mid = 0.5 * (lo + hi);
            var power = 1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, C - mid) + MathNet.Numerics.Distributions.Normal.CDF(0, 1, -C - mid);
            (lo, hi) = power < 0.8 ? (mid, hi) : (lo, mid);
        }

        var expected = lo * Math.Sqrt(2 / n);
        PowerAnalysis.TTestMinimumDetectableEffect(n).Should().BeApproximately(expected, 1e-8 * expected);
    }

    [Fact]
    public void TTestSampleSize_SmallestDesignBeyondTheCap_IsRefusedNamingTheEffect()
    {
        // ratio 1e-300: one treatment unit needs 1e300 control units, beyond the 1e12 the search allows (was a NaN, exit 1).
        var act = () => PowerAnalysis.TTestSampleSize(0.05, ratio: 1e-300);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("effectSize").WithMessage("*1e12 control units*");
    }
}
