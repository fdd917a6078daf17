using CohortKit.Reliability.Capacity;
using CohortKit.Testing;

namespace CohortKit.Reliability.Tests.Capacity;

/// <summary>Erlang C against closed forms for one and two servers and against mpmath's exact sums (reliability/erlang_c.json).</summary>
public sealed class ErlangCTests
{
    private const double Tolerance = 1e-12;

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.95)]
    public void Probability_OneServer_IsTheUtilization(double a)
        => ErlangC.Probability(1, a).Should().BeApproximately(a, Tolerance); // M/M/1: P(wait) = ρ

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(1.9)]
    public void Probability_TwoServers_IsASquaredOverTwoPlusA(double a)
        => ErlangC.Probability(2, a).Should().BeApproximately(a * a / (2 + a), Tolerance); // (a²/2·2/(2−a)) / (1 + a + a²/(2−a))

    [Fact]
    public void Probability_MatchesExactSums_IncludingWhereAToTheCOverflows()
    {
        foreach (var row in SharedData.Reference("reliability/erlang_c.json").GetProperty("erlangC").EnumerateArray())
        {
            var c = row.GetProperty("servers").GetInt32();
            var a = row.GetProperty("offeredLoad").GetDouble();
            var expected = row.GetProperty("erlangC").GetDouble();
            ErlangC.Probability(c, a).Should().BeApproximately(expected, 1e-9 * Math.Max(1, expected), $"C({c}, {a})");
        }
    }

    [Theory]
    [InlineData(2, 2.0)]
    [InlineData(2, 3.0)]
    [InlineData(2, -0.1)]
    [InlineData(2, double.NaN)]
    public void Probability_UnstableOrInvalidLoad_ThrowsNamingOfferedLoad(int c, double a)
        => new Action(() => ErlangC.Probability(c, a)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("offeredLoad");
}
