using System.Text.Json;
using CohortKit.Experiments.Clustering;
using CohortKit.Experiments.Heterogeneity;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Power;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.VarianceReduction;
using CohortKit.Testing;

namespace CohortKit.Experiments.Tests;

/// <summary>Every case of ../shared/reference/experiments (SciPy 1.10 / statsmodels 0.13 outputs), to 1e-9 relative
/// (1e-6 for results of iterative solvers).</summary>
public class ReferenceTests
{
    private const double Exact = 1e-9;
    private const double Iterative = 1e-6;

    private static void Close(double actual, double expected, double relative, string what)
    {
        var tolerance = relative * Math.Max(Math.Abs(expected), 1e-300);
        if (expected == 0) { tolerance = 1e-15; }
        actual.Should().BeApproximately(expected, tolerance, what);
    }

    private static double E(JsonElement c, string name) => c.GetProperty("expected").GetProperty(name).GetDouble();

    private static string Name(JsonElement c) => c.GetProperty("name").GetString()!;

    [Fact]
    public void Welch_MatchesScipy()
    {
        var cases = SharedData.Cases("experiments/welch_t.json").ToList();
        cases.Should().NotBeEmpty();
        foreach (var c in cases)
        {
            var r = WelchTTest.Compute(c.Doubles("control"), c.Doubles("treatment"));
            Close(r.Statistic, E(c, "t"), Exact, $"{Name(c)} t");
            Close(r.DegreesOfFreedom!.Value, E(c, "df"), Exact, $"{Name(c)} df");
            Close(r.PValue, E(c, "pValueTwoSided"), Exact, $"{Name(c)} p");
            Close(r.AbsoluteEffect, E(c, "difference"), Exact, $"{Name(c)} difference");
            // SciPy's t.ppf (cdflib's cdft) stops at a relative tolerance of 1e-8 in the quantile, so its interval
            // bounds carry that error for small non-integer df; see Welch_IntervalForTinyDf_MatchesHighPrecision.
            Close(r.Interval.Low, E(c, "ci95Low"), 1e-8, $"{Name(c)} ci low");
            Close(r.Interval.High, E(c, "ci95High"), 1e-8, $"{Name(c)} ci high");
        }
    }

    [Fact]
    public void Welch_IntervalForTinyDf_MatchesHighPrecision()
    {
        // welch_0 (df = 1.374…): t quantile 6.852643561610126919584… and lower bound −3.61248516759939961… computed with
        // mpmath at 40 digits (regularised incomplete beta + findroot); SciPy's −3.6124851720780846 is 1.2e-9 off.
        var c = SharedData.Cases("experiments/welch_t.json").First(x => Name(x) == "welch_0_normal_2x3");
        var r = WelchTTest.Compute(c.Doubles("control"), c.Doubles("treatment"));
        r.Interval.Low.Should().BeApproximately(-3.612485167599399612, 1e-13);
        Distributions.Probability.StudentTQuantile(0.975, r.DegreesOfFreedom!.Value).Should().BeApproximately(6.852643561610126920, 1e-12);
    }

    [Fact]
    public void TwoProportion_MatchesStatsmodels()
    {
        foreach (var c in SharedData.Cases("experiments/two_proportion_z.json"))
        {
            var r = TwoProportionZTest.Compute(c.GetProperty("controlSuccesses").GetInt64(), c.GetProperty("controlN").GetInt64(),
                c.GetProperty("treatmentSuccesses").GetInt64(), c.GetProperty("treatmentN").GetInt64());
            Close(r.Statistic, E(c, "z"), Exact, $"{Name(c)} z");
            Close(r.PValue, E(c, "pValueTwoSided"), Exact, $"{Name(c)} p");
            Close(r.AbsoluteEffect, E(c, "difference"), Exact, $"{Name(c)} difference");
            Close(r.Interval.Low, E(c, "ci95Low"), Exact, $"{Name(c)} ci low");
            Close(r.Interval.High, E(c, "ci95High"), Exact, $"{Name(c)} ci high");
        }
    }

    [Fact]
    public void MannWhitney_MatchesScipy()
    {
        foreach (var c in SharedData.Cases("experiments/mann_whitney.json"))
        {
            var (u, _, p) = MannWhitneyUTest.Test(c.Doubles("control"), c.Doubles("treatment"));
            Close(u, E(c, "uTreatment"), Exact, $"{Name(c)} U");
            Close(p, E(c, "pValueTwoSided"), Exact, $"{Name(c)} p");
        }
    }

    [Fact]
    public void MannWhitney_ArmsAbove46340Units_MatchScipy()
    {
        // 46,341 · 46,342 overflows a 32-bit int: U was 2,170,225,145 and p = 0 before the count products were widened.
        var cases = SharedData.Cases("experiments/mann_whitney_large.json").ToList();
        cases.Should().HaveCount(3);
        foreach (var c in cases)
        {
            var (u, _, p) = MannWhitneyUTest.Test(c.Doubles("control"), c.Doubles("treatment"));
            Close(u, E(c, "u"), Exact, $"{Name(c)} U");
            Close(p, E(c, "pValue"), Exact, $"{Name(c)} p");
        }
    }

    [Fact]
    public void RelativeEffect_UsesTheAbsoluteIntervalsCriticalValue()
    {
        // The relative interval is r ± c·se with the same c as the absolute interval: t(Welch df) or z. With 3 vs 3 units
        // the normal quantile gave [+1.8 %, +37.6 %] while the t interval of the difference straddled 0.
        var cases = SharedData.Cases("experiments/relative_effect.json").ToList();
        cases.Should().HaveCount(8);
        foreach (var c in cases)
        {
            var control = c.Doubles("control");
            var treatment = c.Doubles("treatment");
            var alpha = c.GetProperty("alpha").GetDouble();
            var r = c.GetProperty("test").GetString() == "welch"
                ? WelchTTest.Compute(control, treatment, alpha)
                : TwoProportionZTest.Compute((long)control.Sum(), control.Length, (long)treatment.Sum(), treatment.Length, alpha);
            Close(r.RelativeEffect!.Value, E(c, "relativeEffect"), Exact, $"{Name(c)} relative");
            // The t quantile of SciPy is good to ~1e-8 relative (see Welch_MatchesScipy).
            Close(r.RelativeInterval!.Value.Low, E(c, "relativeCiLow"), 1e-8, $"{Name(c)} low");
            Close(r.RelativeInterval!.Value.High, E(c, "relativeCiHigh"), 1e-8, $"{Name(c)} high");
        }
    }

    [Fact]
    public void SampleRatioMismatch_MatchesScipy()
    {
        foreach (var c in SharedData.Cases("experiments/srm_chi_square.json"))
        {
            var observed = c.GetProperty("observed").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var r = SampleRatioMismatch.Check(observed, c.Doubles("expectedRatios"));
            Close(r.ChiSquare, E(c, "chiSquare"), Exact, $"{Name(c)} chi2");
            Close(r.PValue, E(c, "pValue"), Exact, $"{Name(c)} p");
            ChiSquareTest.GoodnessOfFit(observed, c.Doubles("expectedRatios")).DegreesOfFreedom.Should().Be((int)E(c, "df"));
        }
    }

    [Fact]
    public void MultipleTesting_MatchesStatsmodels()
    {
        foreach (var c in SharedData.Cases("experiments/multiple_testing.json"))
        {
            var p = c.Doubles("pValues");
            foreach (var (method, key) in new[] { (Correction.Bonferroni, "bonferroni"), (Correction.Holm, "holm"), (Correction.BenjaminiHochberg, "benjaminiHochberg") })
            {
                var expected = c.GetProperty("expected").Doubles(key);
                var actual = MultipleTesting.Adjust(p, method);
                for (var i = 0; i < p.Length; i++) { Close(actual[i], expected[i], Exact, $"{Name(c)} {key}[{i}]"); }
            }
        }
    }

    [Fact]
    public void Power_MatchesStatsmodels()
    {
        foreach (var c in SharedData.Cases("experiments/power.json"))
        {
            var alpha = c.GetProperty("alpha").GetDouble();
            var power = c.GetProperty("power").GetDouble();
            var ratio = c.GetProperty("ratio").GetDouble();
            switch (c.GetProperty("kind").GetString())
            {
                case "ttestSampleSize":
                    Close(PowerAnalysis.TTestSampleSize(c.GetProperty("effectSize").GetDouble(), alpha, power, ratio), E(c, "nControl"), Iterative, Name(c));
                    break;
                case "ttestMinimumDetectableEffect":
                    // statsmodels solves for the effect with brentq_expanding at its default xtol = 1e-5 (absolute), so the
                    // reference is good to about 2e-5; ours is solved to ~1e-12 and must give the target power exactly.
                    var n = c.GetProperty("nControl").GetDouble();
                    var mde = PowerAnalysis.TTestMinimumDetectableEffect(n, alpha, power, ratio);
                    mde.Should().BeApproximately(E(c, "effectSize"), 2e-5, Name(c));
                    PowerAnalysis.TTestPower(mde, n, alpha, ratio).Should().BeApproximately(power, 1e-10, Name(c));
                    break;
                case "proportionSampleSize":
                    var h = PowerAnalysis.CohensH(c.GetProperty("baseline").GetDouble(), c.GetProperty("target").GetDouble());
                    Close(h, E(c, "cohensH"), Exact, $"{Name(c)} h");
                    Close(PowerAnalysis.NormalSampleSize(h, alpha, power, ratio), E(c, "nControl"), Iterative, Name(c));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown power case kind in {Name(c)}.");
            }
        }
    }

    [Fact]
    public void Power_RatesNearZeroOrOne_ReportIncreaseAndDecreaseSeparately()
    {
        // asin(√p) + h/2 passed π/2 near 1: 0.99 with n = 100 gave +0.044 pp and 0.999 with n = 50 a negative MDE.
        var cases = SharedData.Cases("experiments/power_rates_extreme.json").ToList();
        cases.Should().HaveCount(24);
        foreach (var c in cases)
        {
            var r = PowerAnalysis.RateMinimumDetectableChange(c.GetProperty("baselineRate").GetDouble(), c.GetProperty("controlN").GetDouble(),
                c.GetProperty("alpha").GetDouble(), c.GetProperty("power").GetDouble(), c.GetProperty("ratio").GetDouble());
            var expected = c.GetProperty("expected");
            var rate = c.GetProperty("baselineRate").GetDouble();
            // statsmodels solves h with brentq at its default xtol (about 2e-6 here); ours reaches the target power exactly.
            r.CohensH.Should().BeApproximately(E(c, "cohensH"), 2e-5, Name(c));
            PowerAnalysis.NormalPower(r.CohensH, c.GetProperty("controlN").GetDouble(), c.GetProperty("alpha").GetDouble(), c.GetProperty("ratio").GetDouble())
                .Should().BeApproximately(c.GetProperty("power").GetDouble(), 1e-10, Name(c));
            var angle = Math.Asin(Math.Sqrt(rate));
            var exact = new[] { Math.Pow(Math.Sin(angle + r.CohensH / 2), 2) - rate, rate - Math.Pow(Math.Sin(angle - r.CohensH / 2), 2) };
            var actuals = new[] { r.Increase, r.Decrease };
            var keys = new[] { "minimumDetectableIncrease", "minimumDetectableDecrease" };
            for (var k = 0; k < 2; k++)
            {
                if (expected.GetProperty(keys[k]).ValueKind == JsonValueKind.Null)
                {
                    actuals[k].Should().BeNull($"{Name(c)} {keys[k]}");
                    continue;
                }

                actuals[k].Should().NotBeNull($"{Name(c)} {keys[k]}");
                // |d rate / d h| ≤ 1/2, so statsmodels' h tolerance carries over as 1e-5 in rate units.
                actuals[k]!.Value.Should().BeApproximately(E(c, keys[k]), 1e-5, $"{Name(c)} {keys[k]}");
                actuals[k]!.Value.Should().BeApproximately(exact[k], 1e-14, $"{Name(c)} {keys[k]} = sin²(asin √p ± h/2) conversion");
            }
        }
    }

    [Fact]
    public void Cuped_MatchesNumpyReference()
    {
        foreach (var c in SharedData.Cases("experiments/cuped.json"))
        {
            var treatment = c.GetProperty("treatment").EnumerateArray().Select(x => x.GetInt32() == 1).ToArray();
            var r = Cuped.Compute(c.Doubles("metric"), c.Doubles("covariate"), treatment);
            Close(r.Theta, E(c, "theta"), Exact, $"{Name(c)} theta");
            Close(r.Result.AbsoluteEffect, E(c, "adjustedDifference"), Exact, $"{Name(c)} difference");
            Close(r.Result.StandardError, E(c, "adjustedStandardError"), Exact, $"{Name(c)} se");
            Close(r.VarianceReduction, E(c, "varianceReduction"), Exact, $"{Name(c)} reduction");
        }
    }

    [Fact]
    public void ClusterRobust_MatchesStatsmodelsCR1()
    {
        foreach (var c in SharedData.Cases("experiments/cluster_robust.json"))
        {
            var treatment = c.GetProperty("treatment").EnumerateArray().Select(x => x.GetInt32() == 1).ToArray();
            var cluster = c.GetProperty("cluster").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var r = ClusterRobust.Compute(c.Doubles("metric"), treatment, cluster);
            Close(r.AbsoluteEffect, E(c, "difference"), Exact, $"{Name(c)} difference");
            Close(r.StandardError, E(c, "clusterRobustStandardError"), Exact, $"{Name(c)} se");
        }
    }

    [Fact]
    public void ClusterRobust_TDfPAndInterval_MatchStatsmodelsWithGMinus1Df()
    {
        var cases = SharedData.Cases("experiments/cluster_robust_inference.json").ToList();
        cases.Should().NotBeEmpty();
        foreach (var c in cases)
        {
            var treatment = c.GetProperty("treatment").EnumerateArray().Select(x => x.GetInt32() == 1).ToArray();
            var cluster = c.GetProperty("cluster").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var r = ClusterRobust.Compute(c.Doubles("metric"), treatment, cluster);
            Close(r.Statistic, E(c, "t"), Exact, $"{Name(c)} t");
            r.DegreesOfFreedom.Should().Be(E(c, "degreesOfFreedom"), Name(c));
            Close(r.PValue, E(c, "pValue"), Exact, $"{Name(c)} p");
            Close(r.Interval.Low, E(c, "ci95Low"), 1e-8, $"{Name(c)} ci low");
            Close(r.Interval.High, E(c, "ci95High"), 1e-8, $"{Name(c)} ci high");
        }
    }

    [Fact]
    public void ClusterRobust_RelativeEffect_MatchesStatsmodelsDeltaMethodWithGMinus1Df()
    {
        // Includes clusters that mix both arms, where the arm means' covariance is not zero.
        var cases = SharedData.Cases("experiments/cluster_relative_effect.json").ToList();
        cases.Should().HaveCount(3);
        foreach (var c in cases)
        {
            var treatment = c.GetProperty("treatment").EnumerateArray().Select(x => x.GetInt32() == 1).ToArray();
            var cluster = c.GetProperty("cluster").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var r = ClusterRobust.Compute(c.Doubles("metric"), treatment, cluster);
            r.DegreesOfFreedom.Should().Be(E(c, "degreesOfFreedom"), Name(c));
            Close(r.RelativeEffect!.Value, E(c, "relativeEffect"), Exact, $"{Name(c)} relative");
            Close(r.RelativeInterval!.Value.Low, E(c, "relativeCi95Low"), 1e-8, $"{Name(c)} relative ci low");
            Close(r.RelativeInterval!.Value.High, E(c, "relativeCi95High"), 1e-8, $"{Name(c)} relative ci high");
        }
    }

    [Fact]
    public void Cuped_TDfPAndInterval_MatchScipyWelchOnAdjustedValues()
    {
        var cases = SharedData.Cases("experiments/cuped_inference.json").ToList();
        cases.Should().NotBeEmpty();
        foreach (var c in cases)
        {
            var treatment = c.GetProperty("treatment").EnumerateArray().Select(x => x.GetInt32() == 1).ToArray();
            var r = Cuped.Compute(c.Doubles("metric"), c.Doubles("covariate"), treatment).Result;
            Close(r.Statistic, E(c, "t"), Exact, $"{Name(c)} t");
            Close(r.DegreesOfFreedom!.Value, E(c, "degreesOfFreedom"), Exact, $"{Name(c)} df");
            Close(r.PValue, E(c, "pValue"), Exact, $"{Name(c)} p");
            Close(r.Interval.Low, E(c, "ci95Low"), 1e-8, $"{Name(c)} ci low");
            Close(r.Interval.High, E(c, "ci95High"), 1e-8, $"{Name(c)} ci high");
        }
    }

    [Fact]
    public void Heterogeneity_MatchesReference()
    {
        foreach (var c in SharedData.Cases("experiments/heterogeneity.json"))
        {
            var r = EffectHeterogeneity.Compute(c.Doubles("effects"), c.Doubles("variances"));
            Close(r.Q, E(c, "q"), Exact, $"{Name(c)} Q");
            r.DegreesOfFreedom.Should().Be((int)E(c, "df"));
            Close(r.PValue, E(c, "pValue"), Exact, $"{Name(c)} p");
            Close(r.ISquared, E(c, "iSquared"), Exact, $"{Name(c)} I2");
            Close(r.Tau2, E(c, "tau2DerSimonianLaird"), Exact, $"{Name(c)} tau2");
            Close(r.FixedEffect, E(c, "fixedEffect"), Exact, $"{Name(c)} fixed");
            Close(r.RandomEffect, E(c, "randomEffect"), Exact, $"{Name(c)} random");
            Close(r.RandomEffectStandardError, E(c, "randomEffectStandardError"), Exact, $"{Name(c)} random se");
        }
    }
}
