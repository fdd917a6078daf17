using CohortKit.Experiments.Power;
using CohortKit.Testing;

namespace CohortKit.Experiments.Tests.Power;

/// <summary>Unequal arms against statsmodels, and every argument check of <see cref="PowerAnalysis"/> (mutation testing
/// found that no test reached them).</summary>
public class PowerArgumentTests
{
    [Fact]
    public void Power_UnequalArms_MatchStatsmodels()
    {
        foreach (var c in SharedData.Cases("experiments/power_unequal_arms.json"))
        {
            var (d, n, alpha, ratio) = (c.GetProperty("effectSize").GetDouble(), c.GetProperty("controlN").GetDouble(), c.GetProperty("alpha").GetDouble(), c.GetProperty("ratio").GetDouble());
            var power = c.GetProperty("test").GetString() == "t"
                ? PowerAnalysis.TTestPower(d, n, alpha, ratio)
                : PowerAnalysis.NormalPower(d, n, alpha, ratio);
            power.Should().BeApproximately(c.GetProperty("power").GetDouble(), 1e-9, $"{c}");
        }
    }

    public static TheoryData<string, Action> BadArguments() => new()
    {
        { "alpha", () => PowerAnalysis.TTestPower(0.3, 50, alpha: 0) },
        { "alpha", () => PowerAnalysis.TTestPower(0.3, 50, alpha: 1) },
        { "ratio", () => PowerAnalysis.TTestPower(0.3, 50, ratio: 0) },
        { "ratio", () => PowerAnalysis.TTestPower(0.3, 50, ratio: double.PositiveInfinity) },
        { "controlN", () => PowerAnalysis.TTestPower(0.3, 1, ratio: 0.5) },
        { "alpha", () => PowerAnalysis.NormalPower(0.3, 50, alpha: 1.5) },
        { "ratio", () => PowerAnalysis.NormalPower(0.3, 50, ratio: -1) },
        { "controlN", () => PowerAnalysis.NormalPower(0.3, 0) },
        { "effectSize", () => PowerAnalysis.TTestSampleSize(0) },
        { "effectSize", () => PowerAnalysis.TTestSampleSize(double.NaN) },
        { "power", () => PowerAnalysis.TTestSampleSize(0.3, alpha: 0.05, power: 0.05) },
        { "power", () => PowerAnalysis.TTestSampleSize(0.3, power: 1) },
        { "ratio", () => PowerAnalysis.TTestSampleSize(0.3, ratio: 0) },
        { "effectSize", () => PowerAnalysis.NormalSampleSize(0) },
        { "ratio", () => PowerAnalysis.NormalSampleSize(0.3, ratio: 0) },
        { "alpha", () => PowerAnalysis.TTestMinimumDetectableEffect(100, alpha: 0) },
        { "power", () => PowerAnalysis.TTestMinimumDetectableEffect(100, power: 0.01) },
        { "alpha", () => PowerAnalysis.NormalMinimumDetectableEffect(100, alpha: -0.1) },
        { "power", () => PowerAnalysis.NormalMinimumDetectableEffect(100, power: 1.2) },
        { "baseline", () => PowerAnalysis.CohensH(-0.1, 0.5) },
        { "target", () => PowerAnalysis.CohensH(0.5, 1.1) },
        { "baselineRate", () => PowerAnalysis.RateMinimumDetectableChange(1.5, 100) },
        { "controlN", () => PowerAnalysis.RateMinimumDetectableChange(0.5, 0) },
        { "controlN", () => PowerAnalysis.RateMinimumDetectableChange(0.5, double.PositiveInfinity) },
        { "ratio", () => PowerAnalysis.RateMinimumDetectableChange(0.5, 100, ratio: 0) },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void PowerAnalysis_BadArgument_ThrowsNamingIt(string parameter, Action act)
    {
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }
}
