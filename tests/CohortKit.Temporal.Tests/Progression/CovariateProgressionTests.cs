using CohortKit.Experiments;
using CohortKit.Temporal.Progression;

namespace CohortKit.Temporal.Tests.Progression;

/// <summary>The covariate route: a chain whose transitions depend on each learner's covariate, with known coefficients.</summary>
public class CovariateProgressionTests
{
    private const int States = TransitionMatrix.StateCount;
    private static readonly ProgressionModel Mle = new(new ProgressionOptions { PseudoCount = 0 });

    // Base probabilities at x = 0 (every transition possible) and slopes of log P(to) / P(stay) per unit of x.
    private static readonly double[][] Base =
    [
        [0.30, 0.30, 0.10, 0.10, 0.15, 0.05],
        [0.05, 0.50, 0.10, 0.10, 0.15, 0.10],
        [0.05, 0.25, 0.40, 0.05, 0.15, 0.10],
        [0.05, 0.20, 0.05, 0.55, 0.10, 0.05],
        [0.05, 0.25, 0.05, 0.05, 0.35, 0.25],
        [0.05, 0.10, 0.05, 0.05, 0.10, 0.65],
    ];

    private static double TrueIntercept(int from, int to) => Math.Log(Base[from][to] / Base[from][from]);

    private static double TrueSlope(int from, int to) => to == from ? 0 : 0.8 * Math.Sin(from + 2 * to);

    private static double[] TrueRow(int from, double x)
    {
        var w = Enumerable.Range(0, States).Select(t => Math.Exp(TrueIntercept(from, t) + TrueSlope(from, t) * x)).ToArray();
        var sum = w.Sum();
        return w.Select(v => v / sum).ToArray();
    }

    private static (LearnerStateHistory History, MetricColumn X) Simulate(int learners, int periods, int seed)
    {
        var rng = new Random(seed);
        var x = new double[learners];
        var states = new LearnerState[learners * periods];
        var offsets = new int[learners + 1];
        for (var l = 0; l < learners; l++)
        {
            x[l] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            var s = rng.Next(States);
            for (var k = 0; k < periods; k++)
            {
                states[l * periods + k] = (LearnerState)s;
                var row = TrueRow(s, x[l]);
                var u = rng.NextDouble();
                var next = 0;
                for (var acc = row[0]; u >= acc && next < States - 1; acc += row[++next]) { }
                s = next;
            }

            offsets[l + 1] = (l + 1) * periods;
        }

        return (new LearnerStateHistory(offsets, states, Enumerable.Repeat(new DateOnly(2026, 1, 5), learners).ToArray(), 7), new MetricColumn("x", x));
    }

    private static double MaxError(CovariateTransitionModel model, out double maxZ)
    {
        double error = 0;
        maxZ = 0;
        foreach (var o in model.Origins)
        {
            var from = (int)o.From;
            o.Reference.Should().Be(o.From, "staying is observed from every state");
            for (var k = 1; k < o.Outcomes.Count; k++)
            {
                var to = (int)o.Outcomes[k];
                double[] truth = [TrueIntercept(from, to), TrueSlope(from, to)];
                for (var j = 0; j < 2; j++)
                {
                    var e = Math.Abs(o.Coefficients[k - 1][j] - truth[j]);
                    error = Math.Max(error, e);
                    maxZ = Math.Max(maxZ, e / o.StandardErrors[k - 1][j]);
                }
            }
        }

        return error;
    }

    [Fact]
    public void FitWithCovariates_RecoversTheTrueCoefficients_WithErrorShrinkingInN()
    {
        var (smallHistory, smallX) = Simulate(1_000, 6, seed: 1);
        var (largeHistory, largeX) = Simulate(16_000, 6, seed: 2);
        var small = Mle.FitWithCovariates(smallHistory, [smallX]);
        var large = Mle.FitWithCovariates(largeHistory, [largeX]);
        small.Origins.Should().OnlyContain(o => o.Outcomes.Count == States);
        var smallError = MaxError(small, out var smallZ);
        var largeError = MaxError(large, out var largeZ);
        // 2 × 5 × 6 = 60 coefficients per fit: all within 4.5 standard errors (a miss has probability < 60 × 7e-6).
        smallZ.Should().BeLessThan(4.5);
        largeZ.Should().BeLessThan(4.5);
        // 16 times the data: standard errors shrink four-fold; require at least half.
        largeError.Should().BeLessThan(smallError / 2);
        largeError.Should().BeLessThan(0.2);
    }

    [Fact]
    public void Probabilities_FollowTheFittedCoefficients_AndBeatTheMarkovMatrixOnHeldOutPeriods()
    {
        var (history, x) = Simulate(8_000, 10, seed: 3);
        var cutoff = new DateOnly(2026, 1, 5).AddDays(7 * 7 - 1);   // periods 0..6 train, 7..9 held out
        var model = Mle.FitWithCovariates(history, [x], cutoff);
        var markov = Mle.Fit(history, cutoff);
        var covariate = Mle.Evaluate(model, history, [x], cutoff);
        var pooled = Mle.Evaluate(markov, history, cutoff);
        covariate.Transitions.Should().Be(8_000 * 3);
        covariate.LogLoss.Should().BeLessThan(pooled.LogLoss - 0.02);

        // The true chain's own held-out log-loss, computed from the truth: the fitted model is within 0.01 of it.
        double trueLoss = 0;
        for (var l = 0; l < history.LearnerCount; l++)
        {
            var s = history.Of(l);
            for (var k = 7; k < s.Length; k++) { trueLoss -= Math.Log(TrueRow((int)s[k - 1], x.Values.Span[l])[(int)s[k]]); }
        }

        covariate.LogLoss.Should().BeApproximately(trueLoss / covariate.Transitions, 0.01);

        var p = model.Probabilities(LearnerState.Dormant, [1.5]);
        p.Sum().Should().BeApproximately(1, 1e-12);
        var o = model.Origins[(int)LearnerState.Dormant];
        for (var k = 1; k < o.Outcomes.Count; k++)
        {
            var logOdds = Math.Log(p[(int)o.Outcomes[k]] / p[(int)LearnerState.Dormant]);
            logOdds.Should().BeApproximately(o.Coefficients[k - 1][0] + 1.5 * o.Coefficients[k - 1][1], 1e-12);
        }
    }

    [Fact]
    public void FitWithCovariates_UnseenOutcomesGetZero_AndAnUnseenOriginStays()
    {
        // Two learners: Active → Active → Dormant and Active → Active → Active; nothing starts from the other states.
        var history = new LearnerStateHistory([0, 3, 6], [LearnerState.Active, LearnerState.Active, LearnerState.Dormant, LearnerState.Active, LearnerState.Active, LearnerState.Active],
            [new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 5)], 7);
        var model = new ProgressionModel(new ProgressionOptions { CovariateL2 = 1 }).FitWithCovariates(history, [new MetricColumn("x", new[] { 0.0, 1.0 })]);
        var active = model.Origins[(int)LearnerState.Active];
        active.Outcomes.Should().Equal(LearnerState.Active, LearnerState.Dormant);
        model.Probabilities(LearnerState.Active, [0.5]).Where((_, i) => i is not (1 or 4)).Should().OnlyContain(v => v == 0);
        model.Probabilities(LearnerState.Churned, [0.5]).Should().Equal(0, 0, 0, 0, 0, 1);
        model.Origins[(int)LearnerState.Churned].Transitions.Should().Be(0);
    }

    [Fact]
    public void FitWithCovariates_BadCovariates_ThrowNamingThem()
    {
        var (history, x) = Simulate(20, 3, seed: 4);
        var cases = new (Action Act, string Message)[]
        {
            (() => Mle.FitWithCovariates(history, [new MetricColumn("x", new double[19])]), "Covariate 'x' has 19 rows but the history has 20 learners*"),
            (() => Mle.FitWithCovariates(history, [x, x]), "Two covariates are named 'x'*"),
            (() => Mle.FitWithCovariates(history, [new MetricColumn("age", Enumerable.Repeat(double.NaN, 20).ToArray())]), "Covariate 'age' has NaN at unit 0*"),
        };
        foreach (var (act, message) in cases)
        {
            act.Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be("covariates");
        }

        // 20 learners: some next state is separated by x, so only a penalised fit exists.
        Mle.Invoking(m => m.FitWithCovariates(history, [x])).Should().Throw<CohortKit.Errors.CohortKitException>().WithMessage("Transitions from *: a coefficient passed*set a positive L2 penalty.");
        var model = new ProgressionModel(new ProgressionOptions { CovariateL2 = 1 }).FitWithCovariates(history, [x]);
        model.Invoking(m => m.Probabilities(LearnerState.Active, [1.0, 2.0])).Should().Throw<ArgumentException>().WithMessage("covariates has 2 values; the model has 1 (x)*");
        model.Invoking(m => m.Probabilities(LearnerState.Active, [double.PositiveInfinity])).Should().Throw<ArgumentException>().WithMessage("Covariate 'x' is *; values must be finite*");
        FluentActions.Invoking(() => new ProgressionModel(new ProgressionOptions { CovariateL2 = -1 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("CovariateL2");
    }
}
