using CohortKit.Personalization.Engine;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Personalization.Tests.Engine;

/// <summary>Rank and Reward: validation, refused rewards, timeouts, propensities, save/load and concurrency.</summary>
public sealed class PersonalizerTests
{
    private static readonly RankableAction[] Actions = [new("video", 1, 0), new("quiz", 0, 1), new("text", 0.5, 0.5)];
    private static readonly double[] Context = [0.2, -1, 0.5, 1.5, 0.3];

    private static PersonalizerOptions Options(BanditPolicy policy = BanditPolicy.LinUcb, TimeSpan? wait = null) => new()
    {
        ContextFeatures = 5,
        ActionFeatures = 2,
        Policy = { Policy = policy, Epsilon = 0.3 },
        RewardWaitTime = wait ?? TimeSpan.FromMinutes(10),
        DefaultReward = -0.25,
    };

    [Fact]
    public void Rank_BadInput_IsRefusedNamingTheField()
    {
        using var engine = new Personalizer(Options());
        FluentActions.Invoking(() => engine.Rank(Context, [])).Should().Throw<ArgumentException>().WithMessage("The action set is empty*").Which.ParamName.Should().Be("actions");
        FluentActions.Invoking(() => engine.Rank([1, 2, 3], Actions)).Should().Throw<ArgumentException>().WithMessage("The context has 3 features*");
        FluentActions.Invoking(() => engine.Rank([0, 0, double.NaN, 0, 0], Actions)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("Context feature 2 is NaN*");
        FluentActions.Invoking(() => engine.Rank(Context, [Actions[0], Actions[0]])).Should().Throw<ArgumentException>().WithMessage("Action id 'video' appears twice*");
        var third = new string(['q', 'u', 'i', 'z']); // equal ids in distinct strings, third of three
        FluentActions.Invoking(() => engine.Rank(Context, [new RankableAction("quiz", 0, 1), Actions[0], new RankableAction(third, 0, 1)])).Should().Throw<ArgumentException>().WithMessage("Action id 'quiz' appears twice*");
        FluentActions.Invoking(() => engine.Rank(Context, [new RankableAction("x", 1)])).Should().Throw<ArgumentException>().WithMessage("Action 'x' has 1 features*");
        FluentActions.Invoking(() => new RankableAction("x", double.PositiveInfinity)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("A feature of action 'x'*");
        engine.PendingCount.Should().Be(0, "a refused call leaves nothing behind");
    }

    [Theory]
    [InlineData(BanditPolicy.Thompson)]
    [InlineData(BanditPolicy.LinUcb)]
    public void Rank_ContextWhoseWidthOverflows_IsRefusedNamingTheContext(BanditPolicy policy)
    {
        // Finite features of 1e160: φᵀA⁻¹φ = |φ|² under the prior is about 1e320, beyond double, so the width is infinite.
        // Thompson returned the propensity 5e-324 for what are two identical untrained actions (exactly 1/3 each).
        using var engine = new Personalizer(Options(policy));
        FluentActions.Invoking(() => engine.Rank([1e160, 0, 0, 0, 0], Actions)).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("For action 'video'*must be finite*").Which.ParamName.Should().Be("context");
        engine.PendingCount.Should().Be(0);
        engine.Rank(Context, Actions).Propensity.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Reward_UnknownAlreadyRewardedOrNonFinite_IsRefused_AndNeverChangesTheModel()
    {
        using var engine = new Personalizer(Options());
        var decision = engine.Rank(Context, Actions);
        var before = engine.ArmOf(decision.ActionId);

        FluentActions.Invoking(() => engine.Reward(decision.EventId, double.NaN)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("value");
        FluentActions.Invoking(() => engine.Reward(decision.EventId + 99, 1)).Should().Throw<RewardRefusedException>()
            .Which.Reason.Should().Be(RewardRefusal.UnknownEvent);
        engine.ArmOf(decision.ActionId).Should().BeSameAs(before);

        engine.Reward(decision.EventId, 1); // the NaN left the decision pending
        var after = engine.ArmOf(decision.ActionId);
        after.Count.Should().Be(1);
        FluentActions.Invoking(() => engine.Reward(decision.EventId, 1)).Should().Throw<RewardRefusedException>()
            .WithMessage("eventId * is not pending*").Which.Reason.Should().Be(RewardRefusal.NotPending);
        engine.ArmOf(decision.ActionId).Should().BeSameAs(after);
    }

    [Fact]
    public void Reward_AfterTheWait_IsRefused_AndTheDefaultRewardWasLearnedOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        using var engine = new Personalizer(Options(wait: TimeSpan.FromMinutes(5)), time);
        var late = engine.Rank(Context, Actions);
        time.Advance(TimeSpan.FromMinutes(3));
        var onTime = engine.Rank(Context, Actions);
        time.Advance(TimeSpan.FromMinutes(2)); // late's deadline: the engine's timer fires and learns the default reward
        engine.PendingCount.Should().Be(1);
        var arm = engine.ArmOf(late.ActionId);
        arm.Count.Should().Be(1);
        // b = DefaultReward · φ, φ = [1, context, action features]
        arm.B[0].Should().Be(-0.25);
        arm.B[1].Should().Be(-0.25 * Context[0]);

        FluentActions.Invoking(() => engine.Reward(late.EventId, 1)).Should().Throw<RewardRefusedException>().Which.Reason.Should().Be(RewardRefusal.NotPending);
        engine.ArmOf(late.ActionId).Should().BeSameAs(arm);
        engine.Reward(onTime.EventId, 1);
        engine.ApplyTimeouts().Should().Be(0);
    }

    [Fact]
    public void Reward_PastItsDeadlineBeforeTheSweep_IsRefused_AndTheDefaultRewardIsLearned()
    {
        // Wait 4 minutes, sweeps every minute from construction; the decision at 0:30 expires at 4:30, the next sweep is at 5:00.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        using var engine = new Personalizer(Options(wait: TimeSpan.FromMinutes(4)), time);
        time.Advance(TimeSpan.FromSeconds(30));
        var decision = engine.Rank(Context, Actions);
        time.Advance(TimeSpan.FromSeconds(230)); // 4:20: the sweeps at 1:00..4:00 ran before the deadline
        time.Advance(TimeSpan.FromSeconds(20)); // 4:40: past the deadline, before the 5:00 sweep
        engine.PendingCount.Should().Be(1, "no sweep has run since the deadline");
        FluentActions.Invoking(() => engine.Reward(decision.EventId, 1)).Should().Throw<RewardRefusedException>().Which.Reason.Should().Be(RewardRefusal.NotPending);
        engine.PendingCount.Should().Be(0);
        engine.ArmOf(decision.ActionId).B[0].Should().Be(-0.25, "the late decision learned the default reward, not the late one");
    }

    [Fact]
    public void Reward_LearnsTheRidgeSolution()
    {
        // After rewards r_j for φ_j on one action, θ = (λI + Σφφᵀ)⁻¹ Σ rφ: checked against a direct solve of the normal equations.
        var options = new PersonalizerOptions { ContextFeatures = 2, Policy = { Policy = BanditPolicy.Random, Regularization = 2 } };
        using var engine = new Personalizer(options);
        RankableAction[] one = [new("only")];
        double[][] contexts = [[1, 0], [0, 1], [1, 1], [2, -1]];
        double[] rewards = [1, 2, 0.5, -1];
        for (var j = 0; j < contexts.Length; j++) { engine.Reward(engine.Rank(contexts[j], one).EventId, rewards[j]); }
        var a = new double[3, 3];
        var b = new double[3];
        for (var i = 0; i < 3; i++) { a[i, i] = 2; }
        for (var j = 0; j < contexts.Length; j++)
        {
            double[] phi = [1, contexts[j][0], contexts[j][1]];
            for (var x = 0; x < 3; x++) { b[x] += rewards[j] * phi[x]; for (var y = 0; y < 3; y++) { a[x, y] += phi[x] * phi[y]; } }
        }

        var theta = Solve3(a, b);
        engine.ArmOf("only").Theta.Should().Equal(theta, (p, q) => Math.Abs(p - q) < 1e-12);
    }

    [Theory]
    [InlineData(BanditPolicy.Thompson)]
    [InlineData(BanditPolicy.EpsilonGreedy)]
    [InlineData(BanditPolicy.LinUcb)]
    [InlineData(BanditPolicy.Random)]
    public void Rank_Propensity_IsTheFrequencyWithWhichTheActionIsChosen(BanditPolicy policy)
    {
        // A model trained a little and then frozen (no more rewards): every decision for one context has the same
        // distribution, so each action's empirical frequency must match its reported propensity (binomial 99.99 % band).
        var options = Options(policy);
        options.Policy.ThompsonScale = 1;
        using var engine = new Personalizer(options);
        for (var j = 0; j < 30; j++)
        {
            var d = engine.Rank(Context, Actions);
            engine.Reward(d.EventId, d.ActionId == "quiz" ? 0.6 : 0.4);
        }

        const int draws = 20_000;
        var counts = new Dictionary<string, int>();
        var propensity = new Dictionary<string, double>();
        for (var j = 0; j < draws; j++)
        {
            var d = engine.Rank(Context, Actions);
            counts[d.ActionId] = counts.GetValueOrDefault(d.ActionId) + 1;
            propensity[d.ActionId] = d.Propensity;
        }

        counts.Values.Sum().Should().Be(draws);
        foreach (var (id, count) in counts)
        {
            var p = propensity[id];
            (count / (double)draws).Should().BeApproximately(p, (3.9 * Math.Sqrt(p * (1 - p) / draws)) + 1e-9, $"action {id} under {policy}");
        }

        propensity.Values.Sum().Should().BeLessThanOrEqualTo(1 + 1e-6, "Thompson's propensities are accurate to 1e-12 (ThompsonPropensityTests)");
    }

    [Fact]
    public void SaveLoad_RoundTripsTheModelExactly()
    {
        using var engine = new Personalizer(Options(BanditPolicy.Thompson));
        for (var j = 0; j < 200; j++)
        {
            double[] x = [j % 3, j % 5 * 0.1, -1, 2, j * 0.01];
            var d = engine.Rank(x, Actions);
            engine.Reward(d.EventId, (x[0] * 0.3) + (d.ActionIndex * 0.1));
        }

        using var stream = new MemoryStream();
        engine.Save(stream);
        stream.Position = 0;
        using var loaded = Personalizer.Load(stream, Options(BanditPolicy.Thompson));
        foreach (var action in Actions)
        {
            loaded.ArmOf(action.Id).Inverse.Should().Equal(engine.ArmOf(action.Id).Inverse);
            loaded.ArmOf(action.Id).Theta.Should().Equal(engine.ArmOf(action.Id).Theta);
            loaded.ArmOf(action.Id).Count.Should().Be(engine.ArmOf(action.Id).Count);
        }

        stream.Position = 0;
        var wrong = Options();
        wrong.ActionFeatures = 3;
        FluentActions.Invoking(() => Personalizer.Load(stream, wrong)).Should().Throw<ArgumentException>().WithMessage("*2 action features*");
        FluentActions.Invoking(() => Personalizer.Load(new MemoryStream("{\"format\":9}"u8.ToArray()), Options())).Should().Throw<InvalidDataException>().WithMessage("*format is 9*");
        FluentActions.Invoking(() => Personalizer.Load(new MemoryStream("nope"u8.ToArray()), Options())).Should().Throw<InvalidDataException>();
    }

    [Fact]
    public async Task Rank_DoesNotWaitForAWriterHoldingTheLock()
    {
        using var engine = new Personalizer(Options());
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var writer = Task.Run(() =>
        {
            lock (engine.WriteLock)
            {
                held.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        });
        held.Wait();
        var reader = Task.Run(() => engine.Rank(Context, Actions));
        var first = await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(10)));
        first.Should().BeSameAs(reader, "Rank reads the current snapshot and takes no lock");
        release.Set();
        await writer;
    }

    [Fact]
    public void RankAndReward_Concurrently_LoseNoReward()
    {
        using var engine = new Personalizer(Options(BanditPolicy.Thompson));
        const int perThread = 2_000;
        Parallel.For(0, 4, t =>
        {
            for (var j = 0; j < perThread; j++)
            {
                var d = engine.Rank([t, j % 7, 0.5, -0.5, 1], Actions);
                engine.Reward(d.EventId, j % 2);
            }
        });
        Actions.Sum(a => engine.ArmOf(a.Id).Count).Should().Be(4 * perThread);
        engine.PendingCount.Should().Be(0);
    }

    [Fact]
    public void Constructor_InvalidOptions_AreRefusedWithTheirNames()
    {
        FluentActions.Invoking(() => new Personalizer(new PersonalizerOptions { ContextFeatures = 0 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ContextFeatures");
        FluentActions.Invoking(() => new Personalizer(new PersonalizerOptions { Policy = { Epsilon = 2 } })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Policy.Epsilon");
        FluentActions.Invoking(() => new Personalizer(new PersonalizerOptions { RewardWaitTime = TimeSpan.Zero })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("RewardWaitTime");
        FluentActions.Invoking(() => new Personalizer(new PersonalizerOptions { DefaultReward = double.NaN })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("DefaultReward");
        FluentActions.Invoking(() => new Personalizer(new PersonalizerOptions { ApprenticeThreshold = 0 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ApprenticeThreshold");
    }

    private static double[] Solve3(double[,] a, double[] b)
    {
        // Cramer's rule, written out.
        static double Det(double[,] m) => (m[0, 0] * ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1]))) - (m[0, 1] * ((m[1, 0] * m[2, 2]) - (m[1, 2] * m[2, 0]))) + (m[0, 2] * ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])));
        var det = Det(a);
        var result = new double[3];
        for (var c = 0; c < 3; c++)
        {
            var m = (double[,])a.Clone();
            for (var r = 0; r < 3; r++) { m[r, c] = b[r]; }
            result[c] = Det(m) / det;
        }

        return result;
    }
}
