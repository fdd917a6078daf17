using CohortKit.Churn.Interventions.Uplift;
using CohortKit.Features;
using CohortKit.Randomness;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>Uplift targeting on simulated data with a known heterogeneous effect: treatment lowers the churn logit by 2 only
/// where x2 &gt; 0, while the baseline risk rises with x1. Ranking by risk targets many learners treatment cannot help;
/// ranking by the T-learner's uplift targets the reducible churn.</summary>
public sealed class TLearnerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int N = 20_000;

    private sealed record Simulated(FeatureMatrix Features, bool[] Treated, bool[] Churned, double[] TrueUplift);

    private static Simulated Simulate(ulong seed, int n)
    {
        var rng = new Xoshiro256(seed, 0);
        var features = new FeatureMatrix(n, 2, ["x1", "x2"]);
        var treated = new bool[n];
        var churned = new bool[n];
        var uplift = new double[n];
        for (var i = 0; i < n; i++)
        {
            double x1 = rng.NextGaussian(), x2 = rng.NextGaussian();
            features[i, 0] = (float)x1;
            features[i, 1] = (float)x2;
            var logit0 = -0.5 + 1.5 * x1;
            var logit1 = logit0 - (x2 > 0 ? 2.0 : 0.0);
            double p0 = Sigmoid(logit0), p1 = Sigmoid(logit1);
            uplift[i] = p0 - p1;
            treated[i] = rng.NextBool(0.5);
            churned[i] = rng.NextBool(treated[i] ? p1 : p0);
        }

        return new Simulated(features, treated, churned, uplift);
    }

    [Fact]
    public void UpliftTargeting_BeatsRiskTargetingOnTheQiniCoefficient()
    {
        var train = Simulate(1, N);
        var test = Simulate(2, N);
        var model = TLearner.Fit(new LogisticTestTrainer(), train.Features, train.Treated, train.Churned);

        var uplift = new double[N];
        model.PredictUplift(test.Features, uplift);
        var risk = new double[N];
        model.Control.PredictProbabilities(test.Features, risk); // P(churn) if left alone: what a churn model ranks by

        var byUplift = QiniCurve.Compute(uplift, test.Treated, test.Churned);
        var byRisk = QiniCurve.Compute(risk, test.Treated, test.Churned);
        var byTruth = QiniCurve.Compute(test.TrueUplift, test.Treated, test.Churned);

        output.WriteLine($"Qini coefficient: uplift {byUplift.Coefficient:F1}, risk {byRisk.Coefficient:F1}, true uplift {byTruth.Coefficient:F1}; " +
            $"normalized {byUplift.NormalizedCoefficient:F3} / {byRisk.NormalizedCoefficient:F3} / {byTruth.NormalizedCoefficient:F3}; Q(n) {byUplift.TotalGain:F1}");
        byUplift.TotalGain.Should().Be(byRisk.TotalGain, "Q(n) does not depend on the ranking");
        byUplift.Coefficient.Should().BeGreaterThan(byRisk.Coefficient + 0.25 * Math.Abs(byRisk.Coefficient) + 50,
            "uplift targeting must beat risk targeting clearly");
        byUplift.Coefficient.Should().BeGreaterThan(0.9 * byTruth.Coefficient, "the T-learner should come close to ranking by the true uplift");
    }

    [Fact]
    public void PredictUplift_RecoversTheTrueUplift()
    {
        var train = Simulate(3, N);
        var test = Simulate(4, 5000);
        var model = TLearner.Fit(new LogisticTestTrainer(), train.Features, train.Treated, train.Churned);
        var uplift = new double[5000];

        model.PredictUplift(test.Features, uplift);

        // The treated arm's logit is a step in x2 that a logistic model fits as a slope, so learner-level errors remain;
        // on average the estimate is close, and the sign is right for most learners with a real effect.
        var meanAbsError = uplift.Zip(test.TrueUplift).Average(p => Math.Abs(p.First - p.Second));
        var meanTrue = test.TrueUplift.Average();
        output.WriteLine($"mean |error| {meanAbsError:F4}, mean uplift {uplift.Average():F4} vs true {meanTrue:F4}");
        meanAbsError.Should().BeLessThan(0.08);
        uplift.Average().Should().BeApproximately(meanTrue, 0.02);
    }

    [Fact]
    public void Fit_BadInput_ThrowsNamingTheArgument()
    {
        var features = new FeatureMatrix(4, 1);
        FluentActions.Invoking(() => TLearner.Fit(new LogisticTestTrainer(), features, [true, true, true, true], [true, false, true, false]))
            .Should().Throw<ArgumentException>().WithMessage("*control 0*");
        FluentActions.Invoking(() => TLearner.Fit(new LogisticTestTrainer(), features, [true, false], [true, false, true, false]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("treated");
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
