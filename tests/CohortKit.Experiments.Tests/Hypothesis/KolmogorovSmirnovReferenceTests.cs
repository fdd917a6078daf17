using System.Text.Json;
using CohortKit.Experiments.Clustering;
using CohortKit.Experiments.Heterogeneity;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Power;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.VarianceReduction;
using CohortKit.Testing;

namespace CohortKit.Experiments.Tests.Hypothesis;

public class KolmogorovSmirnovReferenceTests
{
    [Fact]
    public void KsUniform_MatchesScipyKstest()
    {
        foreach (var c in SharedData.Cases("experiments/ks_uniform.json"))
        {
            var (d, p) = KolmogorovSmirnovTest.Uniform(c.Doubles("values"));
            var name = c.GetProperty("name").GetString();
            var expected = c.GetProperty("expected");
            d.Should().BeApproximately(expected.GetProperty("d").GetDouble(), 1e-12, name);
            var ep = expected.GetProperty("pValue").GetDouble();
            p.Should().BeApproximately(ep, 1e-9 * ep, name);
        }
    }

    [Fact]
    public void KsUniform_Above10000_MatchesScipyExactTo1e9()
    {
        // SciPy's kstest is exact at every n; the asymptotic formula used above n = 10,000 before was 1 % off.
        var cases = SharedData.Cases("experiments/ks_uniform_large.json").ToList();
        cases.Should().HaveCount(3);
        foreach (var c in cases)
        {
            var (d, p) = KolmogorovSmirnovTest.Uniform(c.Doubles("sample"));
            var name = c.GetProperty("name").GetString();
            var expected = c.GetProperty("expected");
            d.Should().BeApproximately(expected.GetProperty("statistic").GetDouble(), 1e-12, name);
            var ep = expected.GetProperty("pValue").GetDouble();
            p.Should().BeApproximately(ep, 1e-9 * ep, name);
        }
    }
}
