using CohortKit.Experiments.Effects;
using CohortKit.Segmentation.Recommendations;
using CohortKit.Statistics;

namespace CohortKit.Segmentation.Tests.Recommendations;

/// <summary>The recommendation rules and their wording, on hand-made effects whose numbers are stated in each test.</summary>
public sealed class SegmentRecommenderTests
{
    private static SegmentEffect Effect(double relative, double low, double high, double adjustedP, double? mde = 0.01, double controlMean = 10) => new()
    {
        Result = new TwoSampleResult
        {
            Test = TwoSampleTest.Welch, ControlN = 500, TreatmentN = 500, ControlMean = controlMean, TreatmentMean = controlMean * (1 + relative),
            AbsoluteEffect = controlMean * relative, StandardError = 0.1, Interval = new ConfidenceInterval(controlMean * low, controlMean * high, 0.95),
            RelativeEffect = controlMean == 0 ? null : relative, RelativeInterval = controlMean == 0 ? null : new ConfidenceInterval(low, high, 0.95),
            PValue = adjustedP, Statistic = 3, Alpha = 0.05,
        },
        AdjustedPValue = adjustedP,
        ShrunkEffect = null,
        MinimumDetectableRelativeEffect = mde,
    };

    [Fact]
    public void WithEffect_SignificantAboveMinimumLift_Keep() =>
        SegmentRecommender.WithEffect(Effect(0.041, 0.020, 0.062, 0.001), 1000, 0.03, SegmentAlerts.None)
            .Should().Be(new SegmentRecommendation(SegmentAction.Keep, "effect +4.1 % [2.0, 6.2]: keep"));

    [Fact]
    public void WithEffect_Regression_ExcludeOrRetune() =>
        SegmentRecommender.WithEffect(Effect(-0.012, -0.020, -0.004, 0.01), 1000, 0.03, SegmentAlerts.Regression | SegmentAlerts.BelowMinimumLift)
            .Should().Be(new SegmentRecommendation(SegmentAction.ExcludeOrRetune, "effect −1.2 % [−2.0, −0.4], significant: regression — exclude or retune"));

    [Fact]
    public void WithEffect_SignificantButRelativeIntervalAcrossZero_QuotesTheAbsoluteEffect()
    {
        // Control mean 0.01, relative −29.14 [−82.87, +24.59] (straddles 0) while the absolute test is significant (adjusted
        // p 0.001, absolute interval [−0.5, −0.08] built below): the review found "effect −2914.1 % [−8286.7, 2458.5],
        // significant: regression", an interval that contradicts the verdict next to it.
        var e = Effect(-29.14, -82.87, 24.59, 0.001, controlMean: 0.01);
        e = e with { Result = e.Result with { AbsoluteEffect = -0.2914, Interval = new ConfidenceInterval(-0.5, -0.08, 0.95) } };
        SegmentRecommender.WithEffect(e, 1000, 0.03, SegmentAlerts.Regression)
            .Should().Be(new SegmentRecommendation(SegmentAction.ExcludeOrRetune,
                "effect −0.291 [−0.5, −0.08] (absolute; relative −2914.0 % is unstable with a control mean near 0), significant: regression — exclude or retune"));
    }

    [Fact]
    public void WithEffect_UnderpoweredNotSignificant_CollectMoreData() =>
        SegmentRecommender.WithEffect(Effect(0.05, -0.10, 0.20, 0.6, mde: 0.30), 80, 0.03, SegmentAlerts.Underpowered)
            .Should().Be(new SegmentRecommendation(SegmentAction.CollectMoreData, "underpowered: n = 80, MDE 30.0 %"));

    [Fact]
    public void WithEffect_NoEffectForSegment_CollectMoreData() =>
        SegmentRecommender.WithEffect(null, 3, 0.03, SegmentAlerts.Underpowered).Action.Should().Be(SegmentAction.CollectMoreData);

    [Fact]
    public void WithEffect_IntervalBelowMinimumLift_RetuneAsARealShortfall()
    {
        var effect = Effect(0.004, -0.010, 0.018, 0.5);
        SegmentRecommender.WithEffect(effect, 1000, 0.03, SegmentAlerts.BelowMinimumLift).Action.Should().Be(SegmentAction.Retune);
        SegmentRecommender.Shortfall(effect, 0.03, underpowered: false).Should().Be(ShortfallReason.RealShortfall);
    }

    [Fact]
    public void WithEffect_WideIntervalPowered_Inconclusive_AndShortfallByPower()
    {
        var effect = Effect(0.02, -0.01, 0.05, 0.2);
        SegmentRecommender.WithEffect(effect, 1000, 0.03, SegmentAlerts.BelowMinimumLift).Should().Be(new SegmentRecommendation(SegmentAction.None, "effect +2.0 % [−1.0, 5.0]: inconclusive"));
        SegmentRecommender.Shortfall(effect, 0.03, underpowered: false).Should().Be(ShortfallReason.Inconclusive);
        SegmentRecommender.Shortfall(effect, 0.03, underpowered: true).Should().Be(ShortfallReason.LackOfPower);
    }

    [Fact]
    public void WithEffect_SignificantBelowMinimumLift_KeepWithTheCaveat() =>
        SegmentRecommender.WithEffect(Effect(0.02, 0.01, 0.031, 0.001), 1000, 0.03, SegmentAlerts.BelowMinimumLift)
            .Reason.Should().Be("effect +2.0 % [1.0, 3.1]: keep, though below the +3.0 % minimum lift");

    [Fact]
    public void WithEffect_ControlMeanZero_UsesTheAbsoluteEffect() =>
        SegmentRecommender.WithEffect(Effect(0, 0, 0, 0.5, controlMean: 0) with { }, 1000, 0.03, SegmentAlerts.None)
            .Reason.Should().Contain("(control mean 0: absolute)");

    [Fact]
    public void WithoutEffect_DiffersOrInLine() 
    {
        SegmentRecommender.WithoutEffect(12, 10, SegmentAlerts.Differs)
            .Should().Be(new SegmentRecommendation(SegmentAction.Investigate, "mean 12.0 vs overall 10.0 (+20.0 %): differs — look at what sets it apart"));
        SegmentRecommender.WithoutEffect(10.1, 10, SegmentAlerts.None).Should().Be(new SegmentRecommendation(SegmentAction.None, "mean 10.1 vs overall 10.0 (+1.0 %): in line"));
    }
}
