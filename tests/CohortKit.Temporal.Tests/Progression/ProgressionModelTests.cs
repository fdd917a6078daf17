using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Progression;
using CohortKit.Temporal.Retention;

namespace CohortKit.Temporal.Tests.Progression;

/// <summary>The estimator against a known chain (error within its sampling error and shrinking with n), held-out log-loss
/// against the baseline, k-step forecasts in closed form, and the state rules on a log written out by hand.</summary>
public class ProgressionModelTests
{
    private static readonly ProgressionModel Mle = new(new ProgressionOptions { PseudoCount = 0 });

    private static double MaxError(TransitionMatrix model, double[][] truth, out double worstZ)
    {
        double max = 0;
        worstZ = 0;
        for (var i = 1; i < truth.Length; i++)
        {
            var n = model.Counts[i].Sum();
            for (var j = 0; j < truth.Length; j++)
            {
                var error = Math.Abs(model.Probabilities[i][j] - truth[i][j]);
                max = Math.Max(max, error);
                var se = Math.Sqrt(truth[i][j] * (1 - truth[i][j]) / n);
                worstZ = Math.Max(worstZ, se == 0 ? (error == 0 ? 0 : double.PositiveInfinity) : error / se);
            }
        }

        return max;
    }

    [Fact]
    public void Fit_RecoversTheTrueChain_WithErrorShrinkingInN()
    {
        var small = Mle.Fit(ChainSimulator.Simulate(ChainSimulator.Truth, 500, 12, seed: 1));
        var large = Mle.Fit(ChainSimulator.Simulate(ChainSimulator.Truth, 20_000, 12, seed: 2));
        var smallError = MaxError(small, ChainSimulator.Truth, out _);
        var largeError = MaxError(large, ChainSimulator.Truth, out var z);
        // 35 free entries, each within 4.5 standard errors (a family-wise miss rate below 0.03 %); zero entries stay zero.
        z.Should().BeLessThan(4.5);
        largeError.Should().BeLessThan(0.02);
        largeError.Should().BeLessThan(smallError / 2, "40 times the data should shrink the error about sixfold");
        large.Transitions.Should().Be(20_000 * 11);
    }

    [Fact]
    public void Evaluate_HeldOutLogLoss_BeatsStaying_AndApproachesTheTruth()
    {
        var history = ChainSimulator.Simulate(ChainSimulator.Truth, 5_000, 16, seed: 3);
        var cutoff = new DateOnly(2026, 1, 5).AddDays(7 * 10 - 1);   // train on periods 1..9, hold out 10..15
        var model = new ProgressionModel(new ProgressionOptions()).Fit(history, cutoff);
        var evaluation = Mle.Evaluate(model, history, cutoff);
        evaluation.Transitions.Should().Be(5_000 * 6);
        evaluation.LogLoss.Should().BeLessThan(evaluation.BaselineLogLoss - 0.1);
        // The true chain's own log-loss on the same held-out transitions, written out here.
        double trueLoss = 0;
        for (var l = 0; l < history.LearnerCount; l++)
        {
            var s = history.Of(l);
            for (var k = 10; k < s.Length; k++) { trueLoss -= Math.Log(ChainSimulator.Truth[(int)s[k - 1]][(int)s[k]]); }
        }

        evaluation.LogLoss.Should().BeApproximately(trueLoss / evaluation.Transitions, 0.01);
        evaluation.Accuracy.Should().BeGreaterThanOrEqualTo(evaluation.BaselineAccuracy);
        evaluation.BaselineStayProbability.Should().BeInRange(0, 1);
    }

    [Fact]
    public void FitBySegment_RecoversEachSegmentsChain()
    {
        var other = ChainSimulator.Truth.Select(r => r.ToArray()).ToArray();
        other[1] = [0.00, 0.30, 0.10, 0.10, 0.30, 0.20];
        var a = ChainSimulator.Simulate(ChainSimulator.Truth, 6_000, 10, seed: 4);
        var b = ChainSimulator.Simulate(other, 6_000, 10, seed: 5);
        var history = new LearnerStateHistory([.. a.Offsets.ToArray(), .. b.Offsets[1..].ToArray().Select(o => o + a.States.Length)], [.. a.States, .. b.States], [.. a.Signups, .. b.Signups], 7);
        var segment = CategoricalColumn.Encode("plan", Enumerable.Repeat("free", 6_000).Concat(Enumerable.Repeat("pro", 6_000)));
        var models = Mle.FitBySegment(history, segment);
        models.Select(m => m.Segment).Should().Equal("free", "pro");
        models[0].Model.Probabilities[1][5].Should().BeApproximately(0.05, 0.01);
        models[1].Model.Probabilities[1][5].Should().BeApproximately(0.20, 0.02);
        var wrong = () => Mle.FitBySegment(history, CategoricalColumn.Encode("plan", ["x"]));
        wrong.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("segment");
    }

    private static TransitionMatrix Matrix(params (LearnerState From, LearnerState To, double P)[] entries)
    {
        var p = Enumerable.Range(0, 6).Select(i => new double[6]).ToArray();
        foreach (var (from, to, value) in entries) { p[(int)from][(int)to] = value; }
        for (var i = 0; i < 6; i++) { if (p[i].Sum() == 0) { p[i][i] = 1; } }
        return new TransitionMatrix { Counts = p.Select(r => (IReadOnlyList<long>)new long[6]).ToArray(), Probabilities = p };
    }

    [Fact]
    public void Forecast_AndChurnHazard_MatchClosedForms()
    {
        // Active stays with 0.5, else goes dormant; dormant churns with 0.2, else stays; churned is absorbing.
        var m = Matrix((LearnerState.Active, LearnerState.Active, 0.5), (LearnerState.Active, LearnerState.Dormant, 0.5),
            (LearnerState.Dormant, LearnerState.Dormant, 0.8), (LearnerState.Dormant, LearnerState.Churned, 0.2));
        var forecast = m.Forecast([0, 1, 0, 0, 0, 0], 5);
        forecast.Should().HaveCount(6);
        for (var k = 0; k <= 5; k++) { forecast[k][1].Should().BeApproximately(Math.Pow(0.5, k), 1e-15); }
        forecast[2][4].Should().BeApproximately(0.5 * 0.5 + 0.5 * 0.8, 1e-15);
        m.Should().BeAssignableTo<IChurnHazard>("CohortKit.Churn reads the hazard through the interface");
        var hazard = m;
        hazard.Hazard(LearnerState.Dormant).Should().Be(0.2);
        hazard.Hazard(LearnerState.Active).Should().Be(0);
        for (var k = 1; k <= 6; k++) { hazard.ChurnedAfter(LearnerState.Dormant, k).Should().BeApproximately(1 - Math.Pow(0.8, k), 1e-15); }
        var bad = () => m.Forecast([0.5, 0.6, 0, 0, 0, 0], 1);
        bad.Should().Throw<ArgumentException>().WithMessage("*sums to 1.1*");
        var shape = () => m.Forecast([1.0], 1);
        shape.Should().Throw<ArgumentException>().WithMessage("*one per state*");
        var negative = () => m.Forecast([-1, 2, 0, 0, 0, 0], 1);
        negative.Should().Throw<ArgumentException>().WithMessage("*non-negative*");
        var horizon = () => hazard.ChurnedAfter(LearnerState.Active, 0);
        horizon.Should().Throw<ArgumentOutOfRangeException>();
        var state = () => hazard.Hazard((LearnerState)9);
        state.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Classify_AppliesTheRules_WeekByWeek()
    {
        // Signup Monday 2026-01-05; window to 2026-03-01 (8 full weeks). Week 0 session: onboarding. Week 1 score 30:
        // struggling. Week 2 score 95: mean of weeks 1-2 is 62.5, active. Week 3 score 95: mastering. Weeks 4-5 nothing:
        // dormant; week 6 nothing: third inactive week, churned. Week 7 a session: active (no score in weeks 6-7).
        var signup = new DateOnly(2026, 1, 5);
        long At(int week) => signup.AddDays(7 * week + 2).DayNumber * TimeSpan.TicksPerDay;
        var learners = new LearnerAttributes([new(1), new(2)], [signup, signup.AddDays(-30)], []);
        var log = ActivityLog.FromUnsorted(2, [0, 0, 0, 0, 0, 1], [At(0), At(1), At(2), At(3), At(7), At(1)],
            [LearnerEventKind.Session, LearnerEventKind.Assessment, LearnerEventKind.Assessment, LearnerEventKind.Assessment, LearnerEventKind.Lesson, LearnerEventKind.Session],
            [10, 30, 95, 95, 1, 5]);
        var history = new ProgressionModel(new ProgressionOptions()).Classify(learners, log, new ObservationWindow(signup, new DateOnly(2026, 3, 1)));
        history.Of(0).ToArray().Should().Equal(LearnerState.Onboarding, LearnerState.Struggling, LearnerState.Active, LearnerState.Mastering,
            LearnerState.Dormant, LearnerState.Dormant, LearnerState.Churned, LearnerState.Active);
        history.Of(1).IsEmpty.Should().BeTrue("learner 2 signed up before the window");
        var model = new ProgressionModel(new ProgressionOptions { PseudoCount = 0 }).Fit(history);
        model.Counts[(int)LearnerState.Dormant][(int)LearnerState.Dormant].Should().Be(1);
        model.Probabilities[(int)LearnerState.Dormant][(int)LearnerState.Churned].Should().Be(0.5);
        model.Probabilities[(int)LearnerState.Onboarding].Sum().Should().BeApproximately(1, 1e-15);
    }

    [Fact]
    public void Classify_EventBeforeSignup_NamesTheLearner()
    {
        var learners = new LearnerAttributes([new(9)], [new DateOnly(2026, 1, 5)], []);
        var log = ActivityLog.FromUnsorted(1, [0], [new DateOnly(2026, 1, 4).DayNumber * TimeSpan.TicksPerDay], [LearnerEventKind.Session], [1]);
        var act = () => new ProgressionModel(new ProgressionOptions()).Classify(learners, log);
        act.Should().Throw<ArgumentException>().WithMessage("Column 'timestamp', learner_id 9:*");
    }

    [Fact]
    public void Evaluate_NothingHeldOutOrNothingToTrainOn_Throws()
    {
        var history = ChainSimulator.Simulate(ChainSimulator.Truth, 10, 4, seed: 6);
        var model = Mle.Fit(history);
        var late = () => Mle.Evaluate(model, history, new DateOnly(2030, 1, 1));
        late.Should().Throw<ArgumentException>().WithMessage("No transition ends after*");
        var early = () => Mle.Evaluate(model, history, new DateOnly(2020, 1, 1));
        early.Should().Throw<ArgumentException>().WithMessage("No transition ends on or before*");
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryFailure()
    {
        var act = () => new ProgressionModel(new ProgressionOptions { PeriodDays = 0, PseudoCount = -1, StrugglingBelow = 90, MasteringAtLeast = 80, ChurnAfterInactivePeriods = 0, ScoreLookbackPeriods = 0, OnboardingPeriods = -1 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*PeriodDays*OnboardingPeriods*ChurnAfterInactivePeriods*ScoreLookbackPeriods*StrugglingBelow*PseudoCount*").Which.ParamName.Should().Be("PeriodDays");
    }

    [Fact]
    public void History_InvalidColumns_Throw()
    {
        var offsets = () => new LearnerStateHistory([0, 2], [LearnerState.Active], [new DateOnly(2026, 1, 1)], 7);
        offsets.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("offsets");
        var state = () => new LearnerStateHistory([0, 1], [(LearnerState)7], [new DateOnly(2026, 1, 1)], 7);
        state.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("states");
    }
}
