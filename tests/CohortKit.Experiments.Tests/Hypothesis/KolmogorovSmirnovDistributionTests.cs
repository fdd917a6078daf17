using System.Text.Json;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Testing;

namespace CohortKit.Experiments.Tests.Hypothesis;

/// <summary>
/// The exact distribution of Dₙ against SciPy at one (n, d) per branch of the method selection, and each of the four
/// methods on its own (<c>ks_survival_grid.json</c>). The sample-level reference tests reach only the branches their
/// six samples happen to fall in.
/// </summary>
public class KolmogorovSmirnovDistributionTests
{
    private static void ShouldMatch(double actual, double expected, string because) =>
        Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(1e-13 + 1e-9 * Math.Abs(expected), because);

    [Fact]
    public void Survival_EveryBranch_MatchesScipyKstwo()
    {
        var cases = SharedData.Cases("experiments/ks_survival_grid.json").ToList();
        cases.Should().HaveCountGreaterThan(25);
        foreach (var c in cases)
        {
            var n = c.GetProperty("n").GetInt32();
            var d = c.GetProperty("d").GetDouble();
            var because = $"n = {n}, d = {d} ({c.GetProperty("branch").GetString()})";
            ShouldMatch(KolmogorovSmirnovTest.Survival(n, d), c.GetProperty("sf").GetDouble(), because);
        }
    }

    [Fact]
    public void Methods_EachOnItsOwn_MatchScipy()
    {
        var components = SharedData.Reference("experiments/ks_survival_grid.json").GetProperty("components").EnumerateArray().ToList();
        components.Select(c => c.GetProperty("method").GetString()).Distinct().Should().HaveCount(4);
        foreach (var c in components)
        {
            var method = c.GetProperty("method").GetString();
            var n = c.GetProperty("n").GetInt32();
            var d = c.GetProperty("d").GetDouble();
            var actual = method switch
            {
                "SmirnovSurvival" => KolmogorovSmirnovTest.SmirnovSurvival(n, d),
                "DurbinCdf" => KolmogorovSmirnovTest.DurbinCdf(n, d),
                "PomeranzCdf" => KolmogorovSmirnovTest.PomeranzCdf(n, d),
                "PelzGoodCdf" => KolmogorovSmirnovTest.PelzGoodCdf(n, d),
                _ => throw new InvalidDataException(method),
            };
            ShouldMatch(actual, c.GetProperty("value").GetDouble(), $"{method}({n}, {d})");
        }
    }

    /// <summary>Pomeranz's recursion compared relatively (the grid's absolute 1e-13 hides a CDF of 1e-60 turning into 0):
    /// tiny CDFs at n = 300 and 400 need the underflow rescale 18 and 26 times, and without it every value underflows;
    /// n = 50, d = 0.28 has the widest band (kills reading one cell past it). <c>ks_pomeranz_edges.json</c>.</summary>
    [Fact]
    public void Pomeranz_TinyCdfsAndWidestBand_MatchScipyRelatively()
    {
        var cases = SharedData.Cases("experiments/ks_pomeranz_edges.json").ToList();
        cases.Should().HaveCountGreaterThan(10);
        foreach (var c in cases)
        {
            var n = c.GetProperty("n").GetInt32();
            var d = c.GetProperty("d").GetDouble();
            var expected = c.GetProperty("cdf").GetDouble();
            expected.Should().BePositive();
            KolmogorovSmirnovTest.PomeranzCdf(n, d).Should().BeApproximately(expected, 1e-9 * expected, $"PomeranzCdf({n}, {d})");
        }
    }
}
