using System.Text.Json;
using CohortKit.Churn.Interventions.Uplift;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>The Qini curve against an independent NumPy recomputation of CausalML's get_qini (tests/reference/churn/interventions.json).</summary>
public sealed class QiniCurveTests
{
    private const double Exact = 1e-9;

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, SharedData.Reference("churn/interventions.json").GetProperty("qini").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_MatchesTheNumPyRecomputation(int index)
    {
        var c = SharedData.Reference("churn/interventions.json").GetProperty("qini")[index];
        var scores = c.Doubles("scores");
        var treated = Bools(c, "treated");
        var churned = Bools(c, "churned");

        var r = QiniCurve.Compute(scores, treated, churned);

        var targeted = c.GetProperty("targeted").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var gain = c.Doubles("gain");
        r.Points.Select(p => p.Targeted).Should().Equal(targeted);
        for (var i = 0; i < gain.Length; i++)
        {
            r.Points[i].Gain.Should().BeApproximately(gain[i], Exact, $"Q at k = {targeted[i]}");
        }

        r.TotalGain.Should().BeApproximately(c.GetProperty("total").GetDouble(), Exact);
        r.Coefficient.Should().BeApproximately(c.GetProperty("coefficient").GetDouble(), Exact);
        r.NormalizedCoefficient!.Value.Should().BeApproximately(c.GetProperty("normalized").GetDouble(), Exact);
    }

    [Fact]
    public void Compute_HandWorkedExample_MatchesTheFormula()
    {
        // Ranked: T retained, C churned, T churned, C retained.
        // k=2: N_t=1, N_c=1, R_t=1, R_c=0 → Q=1. k=3: N_t=2, R_t=1 → Q=1. k=4: N_c=2, R_c=1 → Q = 1 − 1·2/2 = 0.
        // Baseline k/4·Q(4) = 0, so the coefficient is the mean of (1, 1, 0) = 2/3; Q(n) = 0 → no normalized value.
        var r = QiniCurve.Compute([0.9, 0.8, 0.7, 0.6], [true, false, true, false], [false, true, true, false]);

        r.Points.Should().Equal(new QiniPoint(2, 1), new QiniPoint(3, 1), new QiniPoint(4, 0));
        r.Coefficient.Should().BeApproximately(2.0 / 3, 1e-15);
        r.NormalizedCoefficient.Should().BeNull();
    }

    [Fact]
    public void Compute_BadInput_Throws()
    {
        FluentActions.Invoking(() => QiniCurve.Compute([0.1, 0.2], [true, true], [false, true]))
            .Should().Throw<ArgumentException>().WithMessage("*control 0*");
        FluentActions.Invoking(() => QiniCurve.Compute([0.1, double.NaN], [true, false], [false, true]))
            .Should().Throw<ArgumentException>().WithMessage("scores[1] is NaN*");
        FluentActions.Invoking(() => QiniCurve.Compute([0.1, 0.2], [true], [false, true]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("treated");
    }

    private static bool[] Bools(JsonElement e, string name) => [.. e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32() == 1)];
}
