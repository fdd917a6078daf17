using CohortKit.Churn.Models;

namespace CohortKit.Churn.Tests.Models;

public sealed class CalibratorTests
{
    [Fact]
    public void Platt_ScoresDrawnFromAKnownSigmoid_RecoversItsParameters()
    {
        // P(y | s) = σ(2 s − 1): maximum likelihood on 40,000 draws recovers a = 2, b = −1 within a few standard errors (≈ 0.02).
        var random = new Random(9);
        var scores = new double[40_000];
        var labels = new bool[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = random.NextDouble() * 4 - 2;
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-(2 * scores[i] - 1)));
        }

        var c = Calibrator.Fit(ProbabilityCalibration.Platt, scores, labels);
        c.A.Should().BeApproximately(2, 0.1);
        c.B.Should().BeApproximately(-1, 0.06);
    }

    [Fact]
    public void Isotonic_HandExample_PoolsAdjacentViolators()
    {
        // scores 1..6 with outcomes 0 1 0 0 1 1: PAV pools (2, 3, 4) to 1/3 → steps 0, 1/3, 1/3, 1/3, 1, 1.
        var c = Calibrator.Fit(ProbabilityCalibration.Isotonic, [1, 2, 3, 4, 5, 6], [false, true, false, false, true, true]);
        new[] { 1.0, 2, 3, 4, 5, 6 }.Select(c.Apply).Should().Equal(0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1, 1);
        c.Apply(0).Should().Be(0);
        c.Apply(10).Should().Be(1);
    }

    [Theory]
    [InlineData(ProbabilityCalibration.Platt)]
    [InlineData(ProbabilityCalibration.Isotonic)]
    public void Fit_ConstantScores_GivesTheBaseRate(ProbabilityCalibration method)
    {
        // A tree ensemble that made no split scores everyone alike. With one score the likelihood depends on σ(a·s + b) only,
        // maximised at the base rate: 2 churners among 36 rows → P = 2/36 for everyone (Platt: a = 0, b = logit(2/36) = ln(2/34)).
        var scores = Enumerable.Repeat(0.37, 36).ToArray();
        var labels = Enumerable.Range(0, 36).Select(i => i < 2).ToArray();
        var c = Calibrator.Fit(method, scores, labels);
        c.Apply(0.37).Should().BeApproximately(2.0 / 36, 1e-12);
        if (method == ProbabilityCalibration.Platt)
        {
            c.A.Should().Be(0);
            c.B.Should().BeApproximately(Math.Log(2.0 / 34), 1e-12);
            c.Apply(5).Should().BeApproximately(2.0 / 36, 1e-12, "an unseen score has no information either");
        }
    }
}
