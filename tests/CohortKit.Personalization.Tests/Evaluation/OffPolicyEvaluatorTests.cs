using CohortKit.Personalization.Engine;
using CohortKit.Personalization.Evaluation;
using CohortKit.Randomness;

namespace CohortKit.Personalization.Tests.Evaluation;

/// <summary>IPS, SNIPS and DR against their definitions and against a world with known truth.</summary>
public sealed class OffPolicyEvaluatorTests
{
    private static readonly SimulatedBanditLog World = new();

    [Fact]
    public void Evaluate_IpsSnipsLoggedAndEss_EqualTheDefinitionsTo1e12()
    {
        var (log, target, _) = World.Draw(777, seed: 3);
        var report = new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, target);

        // Direct computation from the definitions, written out here.
        var n = log.Count;
        var w = new double[n];
        for (var i = 0; i < n; i++) { w[i] = target.Of(i)[log.ActionCodes[i]] / log.Propensities[i]; }
        var ipsTerms = Enumerable.Range(0, n).Select(i => log.Rewards[i] * w[i]).ToArray();
        var ips = ipsTerms.Sum() / n;
        var snips = ipsTerms.Sum() / w.Sum();
        var ess = w.Sum() * w.Sum() / w.Sum(x => x * x);
        var ipsSe = Math.Sqrt(ipsTerms.Sum(t => (t - ips) * (t - ips)) / (n - 1) / n);
        var meanW = w.Average();
        var snipsTerms = Enumerable.Range(0, n).Select(i => w[i] * (log.Rewards[i] - snips) / meanW).ToArray();
        var snipsSe = Math.Sqrt(snipsTerms.Sum(t => (t - snipsTerms.Average()) * (t - snipsTerms.Average())) / (n - 1) / n);
        var logged = log.Rewards.ToArray().Average();
        const double z975 = 1.959963984540054;

        report.Rows.Should().Be(n);
        report.Ips.Value.Should().BeApproximately(ips, 1e-12);
        report.Snips.Value.Should().BeApproximately(snips, 1e-12);
        report.EffectiveSampleSize.Should().BeApproximately(ess, 1e-9);
        report.Logged.Value.Should().BeApproximately(logged, 1e-12);
        report.Ips.StandardError.Should().BeApproximately(ipsSe, 1e-12);
        report.Snips.StandardError.Should().BeApproximately(snipsSe, 1e-12);
        report.Ips.Interval.Low.Should().BeApproximately(ips - (z975 * ipsSe), 1e-12);
        report.Ips.Interval.High.Should().BeApproximately(ips + (z975 * ipsSe), 1e-12);
        report.Ips.Interval.Level.Should().Be(0.95);
    }

    [Fact]
    public void Evaluate_DoublyRobust_EqualsItsDefinitionWithTheTrueRewardModel()
    {
        // With the reward model replaced by the truth, DR's per-row term is Σ_a π μ + w (r − μ(a_logged)); the cross-fitted
        // ridge model on a large log is close to the truth, so the two agree closely (not exactly: the model is estimated).
        var (log, target, contextOf) = World.Draw(40_000, seed: 5);
        var report = new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, target);
        var n = log.Count;
        var oracle = 0.0;
        for (var i = 0; i < n; i++)
        {
            var m = contextOf[i];
            var direct = 0.0;
            for (var code = 0; code < log.Actions.Count; code++) { direct += target.Of(i)[code] * World.Mu(m, ActionNumber(log, code)); }
            var a = log.ActionCodes[i];
            oracle += direct + (target.Of(i)[a] / log.Propensities[i] * (log.Rewards[i] - World.Mu(m, ActionNumber(log, a))));
        }

        report.DoublyRobust.Value.Should().BeApproximately(oracle / n, 0.25 * report.DoublyRobust.StandardError);
    }

    [Fact]
    public void Evaluate_SimulatedLogs_IntervalsCoverTheTrueValueAtAboutTheNominalRate_AndDrVarianceIsBelowIps()
    {
        const int replications = 300;
        const double level = 0.95;
        var truth = World.TrueTargetValue();
        var evaluator = new OffPolicyEvaluator(new OffPolicyOptions { Alpha = 1 - level });
        int ipsCovered = 0, snipsCovered = 0, drCovered = 0;
        var ipsValues = new double[replications];
        var drValues = new double[replications];
        for (var rep = 0; rep < replications; rep++)
        {
            var (log, target, _) = World.Draw(1500, seed: (ulong)(1000 + rep));
            var report = evaluator.Evaluate(log, target);
            ipsCovered += report.Ips.Interval.Contains(truth) ? 1 : 0;
            snipsCovered += report.Snips.Interval.Contains(truth) ? 1 : 0;
            drCovered += report.DoublyRobust.Interval.Contains(truth) ? 1 : 0;
            ipsValues[rep] = report.Ips.Value;
            drValues[rep] = report.DoublyRobust.Value;
        }

        // Binomial(300, 0.95): 99.9 % two-sided band 285 ± 3.29·√(300·0.95·0.05) = [273, 297].
        var halfWidth = 3.29 * Math.Sqrt(replications * level * (1 - level));
        var low = (replications * level) - halfWidth;
        var high = (replications * level) + halfWidth;
        ipsCovered.Should().BeInRange((int)Math.Floor(low), (int)Math.Ceiling(high));
        snipsCovered.Should().BeInRange((int)Math.Floor(low), (int)Math.Ceiling(high));
        drCovered.Should().BeInRange((int)Math.Floor(low), (int)Math.Ceiling(high));
        Variance(drValues).Should().BeLessThan(0.8 * Variance(ipsValues));
        drValues.Average().Should().BeApproximately(truth, 4 * Math.Sqrt(Variance(drValues) / replications));
    }

    [Theory]
    [InlineData(BanditPolicy.LinUcb)]
    [InlineData(BanditPolicy.Thompson)]
    [InlineData(BanditPolicy.EpsilonGreedy)]
    public void Evaluate_CrossFittedBuiltInPolicy_EstimatesTheValueOfActingOnTheLearnedModel(BanditPolicy policy)
    {
        // Fitted on 4/5 of a large log, each built-in policy's model is close to the truth, so its value is close to the
        // optimal policy's (ε-greedy: (1 − ε)·optimal + ε·uniform); DR must find it within its interval's reach.
        var (log, _, _) = World.Draw(30_000, seed: 11);
        var candidate = new BanditPolicyOptions { Policy = policy, Epsilon = 0.2, ThompsonScale = 0.05, UcbWidth = 0.1 };
        var report = new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, candidate);
        var expected = policy == BanditPolicy.EpsilonGreedy ? (0.8 * World.TrueOptimalValue()) + (0.2 * World.TrueUniformValue()) : World.TrueOptimalValue();
        report.DoublyRobust.Value.Should().BeApproximately(expected, (4 * report.DoublyRobust.StandardError) + 0.005);
        report.DoublyRobust.Value.Should().BeGreaterThan(report.Logged.Value + 0.05, "acting on the learned model beats the unrelated logging policy");
    }

    [Fact]
    public void Evaluate_SameSeed_SameReport_OtherSeed_OtherFolds()
    {
        var (log, target, _) = World.Draw(500, seed: 2);
        var a = new OffPolicyEvaluator(new OffPolicyOptions { Seed = 1 }).Evaluate(log, target);
        var b = new OffPolicyEvaluator(new OffPolicyOptions { Seed = 1 }).Evaluate(log, target);
        var c = new OffPolicyEvaluator(new OffPolicyOptions { Seed = 2 }).Evaluate(log, target);
        b.DoublyRobust.Should().Be(a.DoublyRobust);
        c.DoublyRobust.Value.Should().NotBe(a.DoublyRobust.Value);
        c.Ips.Should().Be(a.Ips, "IPS does not use the folds");
    }

    [Fact]
    public void Evaluate_TargetWithZeroMassOnEveryLoggedAction_IsRefused()
    {
        var log = new InteractionLog(["e1", "e2", "e3"], ["a", "a", "b"], [0.5, 0.5, 0.5], [1, 0, 1], [], []);
        var target = new TargetPolicy(log, [0, 1, 0, 1, 1, 0]);
        var act = () => new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, target);
        act.Should().Throw<ArgumentException>().WithMessage("*probability 0 to every logged action*");
    }

    [Fact]
    public void Evaluate_OneRow_IsRefused()
    {
        var log = new InteractionLog(["e1"], ["a"], [0.5], [1], [], []);
        var act = () => new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, new TargetPolicy(log, [1]));
        act.Should().Throw<ArgumentException>().WithMessage("The log has 1 row; at least 2*");
    }

    [Fact]
    public void Evaluate_WeightTooLargeToSquare_EffectiveSampleSizeIsStillTheRatio()
    {
        // w = π/p = 1, 1e300, 2, 1: w² overflows, but (Σw)²/Σw² = (1e300 + 4)² / (1e600 + 6) = 1 to double precision.
        var log = new InteractionLog(["e1", "e2", "e3", "e4"], ["a", "a", "a", "a"], [1, 1e-300, 0.5, 1], [0, 0, 0, 0], [], []);
        var report = new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, new TargetPolicy(log, [1, 1, 1, 1]));
        report.EffectiveSampleSize.Should().BeApproximately(1.0, 1e-12);
        report.Ips.Value.Should().Be(0);
    }

    [Fact]
    public void Evaluate_RewardsWhoseWeightedSumOverflows_AreRefusedNamingTheEvent_NotReportedAsInfinity()
    {
        var log = new InteractionLog(["e1", "e2", "e3", "e4"], ["a", "a", "b", "b"], [0.5, 0.5, 0.5, 0.5], [1e308, 1e308, 0, 1], [], []);
        var act = () => new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, new TargetPolicy(log, [1, 0, 1, 0, 1, 0, 1, 0]));
        act.Should().Throw<ArgumentException>().WithMessage("*overflow*event_id 'e1'*");
    }

    [Fact]
    public void Evaluate_FeatureWhoseSquareOverflows_IsRefusedNamingTheColumn()
    {
        var log = new InteractionLog(["e1", "e2", "e3", "e4"], ["a", "a", "b", "b"], [0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0],
            ["x_small", "x_big"], [1, 2, 3, 1e200, 5, 6, 7, 8]);
        var act = () => new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, new TargetPolicy(log, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
        act.Should().Throw<ArgumentException>().WithMessage("*action 'a'*column 'x_big'*1e+200*event_id 'e2'*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(2.0)]
    public void Constructor_InvalidOption_IsRefusedWithItsName(double alpha)
    {
        var act = () => new OffPolicyEvaluator(new OffPolicyOptions { Alpha = alpha });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Alpha");
        var folds = () => new OffPolicyEvaluator(new OffPolicyOptions { Folds = 1 });
        folds.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Folds");
    }

    [Fact]
    public void Evaluate_InvalidCandidate_IsRefusedWithItsName()
    {
        var (log, _, _) = World.Draw(100, seed: 1);
        var act = () => new OffPolicyEvaluator(new OffPolicyOptions()).Evaluate(log, new BanditPolicyOptions { Epsilon = 1.5 });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Epsilon");
    }

    private static int ActionNumber(InteractionLog log, int code) => int.Parse(log.Actions[code][1..], System.Globalization.CultureInfo.InvariantCulture);

    private static double Variance(double[] values)
    {
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }

    internal static Xoshiro256 Random(ulong seed) => new(seed, 0);
}
