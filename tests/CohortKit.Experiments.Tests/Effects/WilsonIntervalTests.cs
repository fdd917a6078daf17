using CohortKit.Experiments.Effects;

// In the root test namespace: a CohortKit.Experiments.Tests.Effects namespace would hide CohortKit.Experiments.Effects from the other tests.
namespace CohortKit.Experiments.Tests;

/// <summary>Wilson intervals against statsmodels 0.13.5 <c>proportion_confint(successes, n, alpha, method="wilson")</c>.</summary>
public class WilsonIntervalTests
{
    [Theory]
    [InlineData(0, 10, 0.95, 0.0, 0.27753279986288926)]
    [InlineData(3, 10, 0.95, 0.10779126740630104, 0.6032218525388546)]
    [InlineData(10, 10, 0.95, 0.7224672001371106, 1.0)]
    [InlineData(417, 1000, 0.95, 0.38681470363066783, 0.4478205382779342)]
    [InlineData(1, 2, 0.90, 0.1208663194222736, 0.8791336805777263)]
    public void Of_MatchesStatsmodels(long successes, long trials, double level, double low, double high)
    {
        var ci = WilsonInterval.Of(successes, trials, WilsonInterval.Critical(level), level);
        ci.Low.Should().BeApproximately(low, 1e-12);
        ci.High.Should().BeApproximately(high, 1e-12);
        ci.Level.Should().Be(level);
    }

    [Fact]
    public void Compute_LevelFromAlpha_AndBadArguments()
    {
        var ci = WilsonInterval.Compute(417, 1000);
        ci.Low.Should().BeApproximately(0.38681470363066783, 1e-12, "statsmodels, as above");
        ci.Level.Should().Be(0.95);
        WilsonInterval.Compute(1, 2, alpha: 0.10).High.Should().BeApproximately(0.8791336805777263, 1e-12);
        ((Action)(() => WilsonInterval.Compute(1, 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("trials");
        ((Action)(() => WilsonInterval.Compute(3, 2))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("successes");
        ((Action)(() => WilsonInterval.Compute(-1, 2))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("successes");
        ((Action)(() => WilsonInterval.Compute(1, 2, alpha: 1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("alpha");
    }
}
