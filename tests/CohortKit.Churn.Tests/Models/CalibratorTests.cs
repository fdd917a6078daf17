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
}
