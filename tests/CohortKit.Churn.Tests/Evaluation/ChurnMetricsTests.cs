using CohortKit.Churn.Evaluation;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Evaluation;

/// <summary>The metrics against scikit-learn (tests/reference/churn/metrics.json).</summary>
public sealed class ChurnMetricsTests
{
    public static TheoryData<string> Cases() => [.. SharedData.Cases("churn/metrics.json").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_ReferenceCase_MatchesScikitLearn(string name)
    {
        var c = SharedData.Cases("churn/metrics.json").Single(e => e.GetProperty("name").GetString() == name);
        var labels = c.Doubles("labels").Select(v => v == 1).ToArray();
        var e = ChurnMetrics.Evaluate(c.Doubles("scores"), labels, c.GetProperty("threshold").GetDouble(), c.GetProperty("topFraction").GetDouble());
        var x = c.GetProperty("expected");
        e.Auc.Should().BeApproximately(x.GetProperty("auc").GetDouble(), 1e-12);
        e.PrAuc.Should().BeApproximately(x.GetProperty("prAuc").GetDouble(), 1e-12);
        e.Brier.Should().BeApproximately(x.GetProperty("brier").GetDouble(), 1e-12);
        e.Accuracy.Should().BeApproximately(x.GetProperty("accuracy").GetDouble(), 1e-12);
        e.BalancedAccuracy.Should().BeApproximately(x.GetProperty("balancedAccuracy").GetDouble(), 1e-12);
        e.MajorityAccuracy.Should().BeApproximately(x.GetProperty("majorityAccuracy").GetDouble(), 1e-12);
        e.TopPrecision.Should().BeApproximately(x.GetProperty("topPrecision").GetDouble(), 1e-12);
        e.TopRecall.Should().BeApproximately(x.GetProperty("topRecall").GetDouble(), 1e-12);
        e.Calibration.Select(b => b.MeanPredicted).Should().Equal(x.Doubles("calibrationPredicted"), (a, b) => Math.Abs(a - b) < 1e-12);
        e.Calibration.Select(b => b.ObservedRate).Should().Equal(x.Doubles("calibrationObserved"), (a, b) => Math.Abs(a - b) < 1e-12);
        e.Roc[^1].Should().Be(new RocPoint(1, 1));
    }

    [Fact]
    public void Evaluate_OneClass_ThrowsNamingLabels()
    {
        var act = () => ChurnMetrics.Evaluate([0.1, 0.2], [false, false]);
        act.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("*one class*");
    }

    [Fact]
    public void Evaluate_ScoreNotAProbability_ThrowsNamingTheRow()
    {
        var act = () => ChurnMetrics.Evaluate([0.1, double.NaN], [false, true]);
        act.Should().Throw<ArgumentException>().WithParameterName("scores").WithMessage("*row 2*");
    }
}
