using CohortKit.Experiments.Readout;

namespace CohortKit.Experiments.Tests.Readout;

public sealed class TestSelectionTests
{
    [Fact]
    public void Choose_AutoOnZeroOne_PicksProportion() =>
        TestSelection.Choose(new MetricColumn("converted", new double[] { 0, 1, 1, 0 }), TestChoice.Auto).Should().Be(TestChoice.Proportion);

    [Fact]
    public void Choose_AutoOnContinuous_PicksWelch() =>
        TestSelection.Choose(new MetricColumn("minutes", new double[] { 0, 1, 2.5 }), TestChoice.Auto).Should().Be(TestChoice.Welch);

    [Fact]
    public void Choose_Explicit_KeepsIt() =>
        TestSelection.Choose(new MetricColumn("converted", new double[] { 0, 1 }), TestChoice.MannWhitney).Should().Be(TestChoice.MannWhitney);

    [Fact]
    public void Choose_ProportionOnContinuous_ThrowsNamingTheMetric()
    {
        var act = () => TestSelection.Choose(new MetricColumn("minutes", new double[] { 0, 2 }), TestChoice.Proportion);
        act.Should().Throw<ArgumentException>().WithMessage("*'minutes'*").WithParameterName("metric");
    }
}
