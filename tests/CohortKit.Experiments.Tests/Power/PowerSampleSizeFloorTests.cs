using CohortKit.Experiments.Power;
using CohortKit.Testing;

namespace CohortKit.Experiments.Tests.Power;

/// <summary>
/// The t-test sample size where the answer is at or just above the smallest design the test exists on
/// (<c>power_sample_size_floor.json</c>, statsmodels' power function and SciPy's brentq), and the texts of the
/// unreachable-goal errors (mutation testing left the bracket start and these messages unchecked).
/// </summary>
public class PowerSampleSizeFloorTests
{
    [Fact]
    public void TTestSampleSize_LargeEffects_StopAtTheSmallestDesign_OrMatchTheRootAboveIt()
    {
        var cases = SharedData.Cases("experiments/power_sample_size_floor.json").ToList();
        cases.Should().HaveCountGreaterThan(8);
        foreach (var c in cases)
        {
            var (d, ratio, alpha, power) = (c.GetProperty("effectSize").GetDouble(), c.GetProperty("ratio").GetDouble(),
                c.GetProperty("alpha").GetDouble(), c.GetProperty("power").GetDouble());
            var expected = c.GetProperty("nControl").GetDouble();
            PowerAnalysis.TTestSampleSize(d, alpha, power, ratio).Should().BeApproximately(expected, 1e-9 * expected, $"{c}");
        }

        // The floor written out: each arm at least one unit, n(1 + ratio) − 2 ≥ 1.
        // ratio 0.1: the one treatment unit needs 10 control units (df = 9); ratio 2: 1 + 2 units (df = 1);
        // ratio 1.5: 1.2 + 1.8 = 3 units (df = 1); ratio 1: 1.5 + 1.5 units.
        PowerAnalysis.TTestSampleSize(1000, ratio: 0.1).Should().Be(10);
        PowerAnalysis.TTestSampleSize(1000, ratio: 2).Should().Be(1);
        PowerAnalysis.TTestSampleSize(-1000, ratio: 1.5).Should().BeApproximately(1.2, 1e-15);
        PowerAnalysis.TTestSampleSize(1000, ratio: 1).Should().Be(1.5);
    }

    public static TheoryData<string, string[], Action> UnreachableOrBad() => new()
    {
        { "effectSize", [$"{1e-7}", "1e12 control units", $"{0.8}"], () => PowerAnalysis.TTestSampleSize(1e-7) },
        { "effectSize", [$"{1e-9}", "1e15 control units", $"{0.9}"], () => PowerAnalysis.NormalSampleSize(1e-9, power: 0.9) },
        { "controlN", [$"With {1e-6} control units and ratio {2}", "up to 100", $"{0.8}"], () => PowerAnalysis.NormalMinimumDetectableEffect(1e-6, ratio: 2) },
        // df = 0.1: the critical value is about 1.7e12, so no effect up to 100 standard deviations reaches power 0.9.
        { "controlN", [$"With {1.05} control units and ratio {1}", "no effect up to 100 standard deviations", $"{0.9}"], () => PowerAnalysis.TTestMinimumDetectableEffect(1.05, power: 0.9) },
        { "baselineSd", ["baselineSd must be positive and finite"], () => PowerAnalysis.MeanMinimumDetectableDifference(0, 100) },
        { "effectSize", ["must be finite and non-zero"], () => PowerAnalysis.TTestSampleSize(double.PositiveInfinity) },
        { "power", [$"alpha = {0.1}", "power must be in"], () => PowerAnalysis.NormalSampleSize(0.3, alpha: 0.1, power: 0.1) },
        { "ratio", ["ratio (treatment units per control unit) must be positive"], () => PowerAnalysis.NormalPower(0.3, 10, ratio: double.NaN) },
    };

    [Theory]
    [MemberData(nameof(UnreachableOrBad))]
    public void PowerAnalysis_UnreachableGoalOrBadValue_MessageCarriesTheNumbers(string parameter, string[] fragments, Action act)
    {
        var e = act.Should().Throw<ArgumentOutOfRangeException>().Which;
        e.ParamName.Should().Be(parameter);
        foreach (var fragment in fragments) { e.Message.Should().Contain(fragment); }
    }
}
