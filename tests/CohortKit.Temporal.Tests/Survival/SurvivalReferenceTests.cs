using System.Text.Json;
using CohortKit.Learners;
using CohortKit.Temporal.Survival;
using CohortKit.Testing;

namespace CohortKit.Temporal.Tests.Survival;

/// <summary>Every case of tests/reference/temporal/kaplan_meier.json and survival_extra.json (R survival 3.5.3), to 1e-9.</summary>
public class SurvivalReferenceTests
{
    private const double Exact = 1e-9;

    private static readonly SurvivalAnalyzer Analyzer = new(new SurvivalOptions());

    private static void Close(IReadOnlyList<double> actual, double[] expected, string what)
    {
        actual.Should().HaveSameCount(expected, what);
        for (var i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], Exact, $"{what}[{i}]");
        }
    }

    private static (double[] Time, bool[] Died, CategoricalColumn Group) Input(JsonElement c)
    {
        var group = c.Doubles("group").Select(g => ((int)g).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (c.Doubles("time"), c.Doubles("event").Select(e => e == 1).ToArray(), CategoricalColumn.Encode("group", group));
    }

    private static double? NullableDouble(JsonElement e, string name)
        => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();

    [Fact]
    public void KaplanMeier_MatchesRSurvfit()
    {
        var cases = SharedData.Cases("temporal/kaplan_meier.json").ToList();
        cases.Should().HaveCount(3);
        foreach (var c in cases)
        {
            var name = c.GetProperty("name").GetString();
            var (time, died, _) = Input(c);
            var km = c.GetProperty("expected").GetProperty("kaplanMeier");
            var curve = Analyzer.KaplanMeier(time, died);
            Close(curve.Times, km.Doubles("time"), $"{name} time");
            Close(curve.AtRisk.Select(n => (double)n).ToList(), km.Doubles("nRisk"), $"{name} nRisk");
            Close(curve.Events.Select(n => (double)n).ToList(), km.Doubles("nEvent"), $"{name} nEvent");
            Close(curve.Survival, km.Doubles("survival"), $"{name} survival");
            Close(curve.StandardError, km.Doubles("standardError"), $"{name} standardError");
            Close(curve.Intervals.Select(i => i.Low).ToList(), km.Doubles("ci95Low"), $"{name} ciLow");
            Close(curve.Intervals.Select(i => i.High).ToList(), km.Doubles("ci95High"), $"{name} ciHigh");
            curve.Median.Should().Be(km.GetProperty("median").GetDouble(), name);
            curve.Intervals.Should().OnlyContain(i => i.Level == 0.95);
        }
    }

    [Fact]
    public void LogRank_MatchesRSurvdiff()
    {
        var cases = SharedData.Cases("temporal/kaplan_meier.json").Concat(SharedData.Cases("temporal/survival_extra.json")).ToList();
        cases.Should().HaveCount(7);
        foreach (var c in cases)
        {
            var name = c.GetProperty("name").GetString();
            var (time, died, group) = Input(c);
            var expected = c.GetProperty("expected").GetProperty("logRank");
            var result = Analyzer.Compare(time, died, group).LogRank;
            result.ChiSquare.Should().BeApproximately(expected.GetProperty("chiSquare").GetDouble(), Exact, $"{name} chi-square");
            result.DegreesOfFreedom.Should().Be(expected.GetProperty("df").GetInt32(), name);
            result.PValue.Should().BeApproximately(expected.GetProperty("pValue").GetDouble(), Exact, $"{name} p");
        }
    }

    [Fact]
    public void MedianAndItsInterval_MatchRQuantile()
    {
        foreach (var c in SharedData.Cases("temporal/survival_extra.json"))
        {
            var name = c.GetProperty("name").GetString();
            var (time, died, _) = Input(c);
            var e = c.GetProperty("expected");
            var curve = Analyzer.KaplanMeier(time, died);
            curve.Median.Should().Be(NullableDouble(e, "median"), name);
            curve.MedianInterval.Low.Should().Be(NullableDouble(e, "medianLow") ?? double.PositiveInfinity, $"{name} median low");
            curve.MedianInterval.High.Should().Be(NullableDouble(e, "medianHigh") ?? double.PositiveInfinity, $"{name} median high");
        }
    }

    [Fact]
    public void NelsonAalen_MatchesRCumhaz()
    {
        foreach (var c in SharedData.Cases("temporal/survival_extra.json"))
        {
            var name = c.GetProperty("name").GetString();
            var (time, died, _) = Input(c);
            var e = c.GetProperty("expected");
            var na = Analyzer.NelsonAalen(time, died);
            Close(na.Times, e.Doubles("eventTimes"), $"{name} times");
            Close(na.CumulativeHazard, e.Doubles("cumulativeHazard"), $"{name} H");
            Close(na.StandardError, e.Doubles("cumulativeHazardStandardError"), $"{name} se(H)");
        }
    }

    [Fact]
    public void At_MatchesRSummaryWithTimesAndExtend()
    {
        foreach (var c in SharedData.Cases("temporal/survival_extra.json"))
        {
            var name = c.GetProperty("name").GetString();
            var (time, died, _) = Input(c);
            var e = c.GetProperty("expected");
            var curve = Analyzer.KaplanMeier(time, died);
            var at = e.Doubles("at");
            for (var i = 0; i < at.Length; i++)
            {
                var s = curve.At(at[i]);
                var what = $"{name} at {at[i]}";
                s.Survival.Should().BeApproximately(e.GetProperty("atSurvival")[i].GetDouble(), Exact, what);
                s.AtRisk.Should().Be(e.GetProperty("atRisk")[i].GetInt32(), what);
                if (s.Survival == 0)
                {
                    // R prints NaN and NA where the curve has reached 0; CohortKit reports 0 and [0, 0] (documented).
                    e.GetProperty("atStandardError")[i].ValueKind.Should().Be(JsonValueKind.Null, what);
                    s.StandardError.Should().Be(0, what);
                    s.Interval.Width.Should().Be(0, what);
                    continue;
                }

                s.StandardError.Should().BeApproximately(e.GetProperty("atStandardError")[i].GetDouble(), Exact, what);
                s.Interval.Low.Should().BeApproximately(e.GetProperty("atLow")[i].GetDouble(), Exact, what);
                s.Interval.High.Should().BeApproximately(e.GetProperty("atHigh")[i].GetDouble(), Exact, what);
            }
        }
    }
}
