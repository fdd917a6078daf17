using CohortKit.Datasets.Oulad;
using CohortKit.Temporal.Survival;
using CohortKit.Testing;

namespace CohortKit.Datasets.Tests.Oulad;

/// <summary>tests/reference/temporal/oulad_withdrawal_km.json (R survival 3.5.3) reproduced from the raw OULAD files
/// through the loader and CohortKit.Temporal, to 1e-9.</summary>
public class OuladWithdrawalReferenceTests
{
    private const double Exact = 1e-9;

    [DataFact("oulad")]
    public void PerModuleKaplanMeierAndLogRank_MatchR()
    {
        var w = OuladLoader.Load(SharedData.RequireDataset("oulad")).Withdrawal();
        var comparison = new SurvivalAnalyzer(new SurvivalOptions()).Compare(w.Time.Span, w.Withdrew.Span, w.Module);
        var reference = SharedData.Reference("temporal/oulad_withdrawal_km.json");
        var modules = reference.GetProperty("perModule").EnumerateObject().ToList();
        comparison.Groups.Select(g => g.Group).Should().Equal(modules.Select(m => m.Name));
        foreach (var m in modules)
        {
            var curve = comparison.Groups.Single(g => g.Group == m.Name).Curve;
            curve.SubjectCount.Should().Be(m.Value.GetProperty("n").GetInt32(), m.Name);
            curve.EventCount.Should().Be(m.Value.GetProperty("events").GetInt32(), m.Name);
            var times = m.Value.Doubles("times");
            var survival = m.Value.Doubles("survival");
            var error = m.Value.Doubles("standardError");
            for (var i = 0; i < times.Length; i++)
            {
                var at = curve.At(times[i]);
                at.Survival.Should().BeApproximately(survival[i], Exact, $"{m.Name} S({times[i]})");
                at.StandardError.Should().BeApproximately(error[i], Exact, $"{m.Name} SE({times[i]})");
            }
        }

        var lr = reference.GetProperty("logRankAcrossModules");
        comparison.LogRank.ChiSquare.Should().BeApproximately(lr.GetProperty("chiSquare").GetDouble(), Exact);
        comparison.LogRank.DegreesOfFreedom.Should().Be(lr.GetProperty("df").GetInt32());
        comparison.LogRank.PValue.Should().BeApproximately(lr.GetProperty("pValue").GetDouble(), 1e-9 * lr.GetProperty("pValue").GetDouble());
    }
}
