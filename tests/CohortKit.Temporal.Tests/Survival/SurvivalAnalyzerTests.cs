using CohortKit.Learners;
using CohortKit.Temporal.Survival;

namespace CohortKit.Temporal.Tests.Survival;

/// <summary>The hazard table against counts written out by hand, and every bad input named.</summary>
public class SurvivalAnalyzerTests
{
    private readonly SurvivalAnalyzer _analyzer = new(new SurvivalOptions());

    [Fact]
    public void HazardTable_CountsEachPeriodAndChainsSurvival()
    {
        // Times 0.5 (event), 1 (censored), 1.5 (event), 2 (event), 2.5 (censored), 7 (event); periods of length 1:
        // [0,1): 6 at risk, 1 event; [1,2): 5 at risk, 1 event and 1 censored; [2,3): 3 at risk, 1 event, 1 censored;
        // [3,4): 1 at risk, none; ... [7,8): 1 at risk, 1 event; then nobody is left and the table stops.
        double[] time = [0.5, 1, 1.5, 2, 2.5, 7];
        bool[] died = [true, false, true, true, false, true];
        var table = _analyzer.HazardTable(time, died, 1, 20);
        table.Periods.Should().HaveCount(8);
        table.Periods.Select(p => p.AtRisk).Should().Equal(6, 5, 3, 1, 1, 1, 1, 1);
        table.Periods.Select(p => p.Events).Should().Equal(1, 1, 1, 0, 0, 0, 0, 1);
        table.Periods.Select(p => p.Censored).Should().Equal(0, 1, 1, 0, 0, 0, 0, 0);
        table.Periods[1].Hazard.Should().Be(1.0 / 5);
        table.Periods[2].Survival.Should().BeApproximately(5.0 / 6 * 4 / 5 * 2 / 3, 1e-15);
        table.Periods[^1].Survival.Should().Be(0);
        table.Periods[1].HazardInterval.Contains(0.2).Should().BeTrue();
    }

    [Fact]
    public void HazardTable_LimitsToTheRequestedPeriods()
        => _analyzer.HazardTable([1.0, 5, 9], [true, true, true], 2, 2).Periods.Should().HaveCount(2);

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void KaplanMeier_InvalidTime_NamesTheIndex(double bad)
    {
        var act = () => _analyzer.KaplanMeier([1.0, bad], [true, false]);
        act.Should().Throw<ArgumentException>().WithMessage("time[1]*finite and non-negative*").Which.ParamName.Should().Be("time");
    }

    [Fact]
    public void KaplanMeier_LengthsDifferOrEmpty_Throws()
    {
        var lengths = () => _analyzer.KaplanMeier([1.0, 2], [true]);
        lengths.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("died");
        var empty = () => _analyzer.KaplanMeier([], []);
        empty.Should().Throw<ArgumentException>().WithMessage("*no subjects*");
    }

    [Fact]
    public void Compare_GroupWithNoSubjects_NamesTheGroup()
    {
        var group = new CategoricalColumn("arm", ["a", "b", "c"], [0, 0, 2, 2]);
        var act = () => _analyzer.Compare([1.0, 2, 3, 4], [true, false, true, true], group);
        act.Should().Throw<ArgumentException>().WithMessage("Group 'b' of column 'arm' has no subjects*");
    }

    [Fact]
    public void LogRank_GroupWithNoSubjects_OrFewerThanTwoGroups_Throws()
    {
        var empty = () => _analyzer.LogRank([1.0, 2], [true, true], [0, 0], 2);
        empty.Should().Throw<ArgumentException>().WithMessage("Group 1 has no subjects*");
        var one = () => _analyzer.LogRank([1.0, 2], [true, true], [0, 0], 1);
        one.Should().Throw<ArgumentOutOfRangeException>();
        var code = () => _analyzer.LogRank([1.0, 2], [true, true], [0, 5], 2);
        code.Should().Throw<ArgumentException>().WithMessage("group[1] is 5*");
    }

    [Fact]
    public void LogRank_IdenticalGroups_GiveZeroChiSquareAndPValueOne()
    {
        var r = _analyzer.LogRank([1.0, 2, 3, 1, 2, 3], [true, true, false, true, true, false], [0, 0, 0, 1, 1, 1], 2);
        r.ChiSquare.Should().BeApproximately(0, 1e-15);
        r.PValue.Should().BeApproximately(1, 1e-12);
        r.Observed.Should().Equal(2, 2);
        r.Expected.Should().Equal(2.0, 2.0);
    }

    [Fact]
    public void HazardTable_BadPeriod_Throws()
    {
        var length = () => _analyzer.HazardTable([1.0], [true], 0, 3);
        length.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("periodLength");
        var count = () => _analyzer.HazardTable([1.0], [true], 1, 0);
        count.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("periods");
    }

    [Fact]
    public void At_NegativeTime_Throws()
    {
        var act = () => _analyzer.KaplanMeier([1.0], [true]).At(-1);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("time");
    }
}
