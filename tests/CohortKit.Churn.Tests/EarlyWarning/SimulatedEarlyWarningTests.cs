using CohortKit.Churn.EarlyWarning;
using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Churn.Tabular;

namespace CohortKit.Churn.Tests.EarlyWarning;

/// <summary>On the simulator, whose churn hazard is known, the early-warning model ranks next week's churners about as well
/// as the true hazard does (within 0.05 here), with or without Temporal's state and hazard as features.</summary>
public sealed class SimulatedEarlyWarningTests
{
    [Fact]
    public void EarlyWarningModel_SimulatedPlatform_AucApproachesTheGroundTruthHazards()
    {
        var platform = EarlyWarningDataBuilderTests.Simulate(20_000, 150, 11);
        var start = platform.StartDate;
        var builder = new EarlyWarningDataBuilder();
        var (train, trainLabels) = Rows(builder, platform, 60, null);
        var testDay = start.AddDays(100);
        var (test, testLabels) = Rows(builder, platform, 100, null);
        var model = new ChurnModelTrainer().Fit(train.Features, trainLabels);
        var scores = new double[test.Features.Rows];
        model.PredictProbabilities(test.Features, scores);
        var fitted = ChurnMetrics.Evaluate(scores, testLabels);

        // The same with Temporal's weekly state and its hazard (fitted on the periods up to the training day only).
        var temporal = TemporalStateFeatures.Fit(platform.Learners, platform.Activity, start.AddDays(60));
        var (temporalTrain, temporalTrainLabels) = Rows(builder, platform, 60, temporal);
        var (temporalTest, temporalTestLabels) = Rows(builder, platform, 100, temporal);
        temporalTest.Rows.Should().Equal(test.Rows);
        var temporalModel = new ChurnModelTrainer().Fit(temporalTrain.Features, temporalTrainLabels);
        var temporalScores = new double[temporalTest.Features.Rows];
        temporalModel.PredictProbabilities(temporalTest.Features, temporalScores);
        var withTemporal = ChurnMetrics.Evaluate(temporalScores, temporalTestLabels);

        // The ground truth as of the as-of day: a learner whose disengagement has begun (onset ≤ as-of; churn follows 7–14 days
        // later) scores above every other; the others score by the simulator's onset hazard, multiplier × exp(sensitivity ×
        // (mean engagement − active share of the last 7 days)) (docs/simulation.md).
        var o = new CohortKit.Simulation.SimulationOptions();
        var active7 = test.Features.FeatureNames.ToList().IndexOf("active_days_7");
        var hazard = new double[test.Rows.Length];
        var hazardOnly = new double[test.Rows.Length];
        for (var i = 0; i < hazard.Length; i++)
        {
            var onset = platform.Truth.ChurnOnsetDay[test.Rows[i]];
            var begun = onset >= 0 && onset <= testDay.DayNumber - start.DayNumber;
            hazardOnly[i] = platform.Truth.ChurnHazardMultiplier[test.Rows[i]] * Math.Exp(o.ChurnEngagementSensitivity * (o.MeanEngagement - test.Features[i, active7] / 7.0));
            hazard[i] = (begun ? 1000 : 0) + hazardOnly[i];
        }

        var max = hazard.Max();
        var truth = ChurnMetrics.Evaluate(hazard.Select(h => h / max).ToArray(), testLabels);
        var maxOnly = hazardOnly.Max();
        var truthHazardOnly = ChurnMetrics.Evaluate(hazardOnly.Select(h => h / maxOnly).ToArray(), testLabels);
        // Seed 11: model 0.582, with Temporal's state and hazard 0.579, true hazard 0.617, hazard plus the known onset 0.784
        // (434 churners among 11,326). The model sees neither the hazard multiplier nor the onset, only the activity (Temporal's
        // state is a weekly summary of it), so it stays below both; the bound says how far. No gain from Temporal is asserted:
        // none was seed-stable (docs/churn.md).
        fitted.Positives.Should().BeGreaterThan(100);
        fitted.Auc.Should().BeGreaterThan(0.55).And.BeGreaterThan(truthHazardOnly.Auc - 0.05, $"model AUC {fitted.Auc:F3}, true-hazard AUC {truthHazardOnly.Auc:F3}");
        withTemporal.Auc.Should().BeGreaterThan(0.55).And.BeGreaterThan(truthHazardOnly.Auc - 0.05, $"model with Temporal AUC {withTemporal.Auc:F3}, true-hazard AUC {truthHazardOnly.Auc:F3}");
        truth.Auc.Should().BeGreaterThan(fitted.Auc, "knowing the onset is an upper reference").And.BeGreaterThan(withTemporal.Auc);
    }

    /// <summary>Features from the builder; the label from the simulator's true churn day: the learners signed up by the as-of day
    /// and not churned by as-of + 7, positive when the true churn day is in (as-of + 7, as-of + 14].</summary>
    private static ((CohortKit.Features.FeatureMatrix Features, int[] Rows), bool[]) Rows(EarlyWarningDataBuilder builder, CohortKit.Simulation.SimulatedPlatform platform, int asOfDay, TemporalStateFeatures? temporal)
    {
        var features = builder.Features(platform.Learners, platform.Activity, platform.StartDate.AddDays(asOfDay), null, temporal);
        var churn = platform.Truth.ChurnDay;
        var signup = platform.Truth.SignupDay;
        var rows = Enumerable.Range(0, platform.Learners.Count).Where(r => signup[r] <= asOfDay && (churn[r] < 0 || churn[r] > asOfDay + 7)).ToArray();
        return ((CrossValidator.Subset(features, rows), rows), rows.Select(r => churn[r] > asOfDay + 7 && churn[r] <= asOfDay + 14).ToArray());
    }
}
