using System.Globalization;
using CohortKit.Personalization.Engine;
using CohortKit.Randomness;

namespace CohortKit.Personalization.Simulation;

/// <summary>The cumulative regret after a number of rounds.</summary>
/// <param name="Round">The round (1-based count of decisions).</param>
/// <param name="CumulativeRegret">Σ over the rounds so far of μ(best action) − μ(chosen action).</param>
public sealed record RegretPoint(int Round, double CumulativeRegret);

/// <summary>The outcome of an online bandit simulation.</summary>
public sealed record BanditSimulationResult
{
    /// <summary>Gets the policy simulated.</summary>
    public required BanditPolicy Policy { get; init; }

    /// <summary>Gets the number of rounds.</summary>
    public required int Rounds { get; init; }

    /// <summary>Gets the sum of the observed (noisy) rewards.</summary>
    public required double CumulativeReward { get; init; }

    /// <summary>Gets the cumulative (pseudo-)regret: Σ μ(best) − μ(chosen), from the learners' true preferences.</summary>
    public required double CumulativeRegret { get; init; }

    /// <summary>Gets the cumulative regret at 1,000, 10,000, 100,000… rounds (those not above <see cref="Rounds"/>).</summary>
    public required IReadOnlyList<RegretPoint> RegretAt { get; init; }

    /// <summary>Gets the regret curve at about 200 evenly spaced rounds, ending at <see cref="Rounds"/> (for a chart).</summary>
    public required IReadOnlyList<RegretPoint> Curve { get; init; }
}

/// <summary>Runs a <see cref="Personalizer"/> online against learners with known latent preferences: each round draws a
/// learner, ranks the actions for the learner's context, and rewards the decision with the learner's noisy reward.</summary>
/// <remarks>Deterministic for a seed (single-threaded). Exercises the real engine: Rank, Reward and its snapshots.</remarks>
public static class BanditSimulation
{
    private const int CurvePoints = 200;
    private const int FirstCheckpoint = 1000;
    private static readonly DateTimeOffset LogStart = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the simulation.</summary>
    /// <param name="policy">The policy and its exploration settings.</param>
    /// <param name="world">The learners and their preferences.</param>
    /// <param name="rounds">The number of rounds (at least 1).</param>
    /// <param name="seed">The seed of the learner draws, the noise and the engine.</param>
    /// <param name="log">Optional: receives every decision with its context, propensity and reward (event ids are the
    /// engine's, timestamps one second apart from 2026-01-05T00:00Z), for off-policy evaluation of other policies.</param>
    /// <param name="progress">Optional progress in [0, 1].</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The rewards and regret.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rounds"/> is below 1 or a policy setting is invalid.</exception>
    public static BanditSimulationResult Run(BanditPolicyOptions policy, LearnerPreferences world, int rounds, long seed,
        Evaluation.InteractionLogBuilder? log = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(world);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var options = new PersonalizerOptions { ContextFeatures = world.Features, Policy = policy.Snapshot(), Seed = seed, RewardWaitTime = TimeSpan.FromDays(1) };
        using var engine = new Personalizer(options);
        var actions = Enumerable.Range(0, world.Actions).Select(a => new RankableAction(string.Create(CultureInfo.InvariantCulture, $"action{a}"))).ToArray();
        var random = new Xoshiro256(unchecked((ulong)seed), 0xB4D17);
        var curveStep = Math.Max(1, rounds / CurvePoints);
        var curve = new List<RegretPoint>(CurvePoints + 1);
        var checkpoints = new List<RegretPoint>();
        var nextCheckpoint = FirstCheckpoint;
        double reward = 0, regret = 0;
        for (var t = 1; t <= rounds; t++)
        {
            if ((t & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report((double)t / rounds);
            }

            var learner = random.NextInt(world.Learners);
            var decision = engine.Rank(world.Context(learner), actions);
            var best = double.NegativeInfinity;
            for (var a = 0; a < world.Actions; a++) { best = Math.Max(best, world.ExpectedReward(learner, a)); }
            var mu = world.ExpectedReward(learner, decision.ActionIndex);
            var observed = mu + (world.Noise * random.NextGaussian());
            engine.Reward(decision.EventId, observed);
            log?.Add(decision, LogStart.AddSeconds(t), world.Context(learner), observed);
            reward += observed;
            regret += best - mu;
            if (t % curveStep == 0 || t == rounds) { curve.Add(new RegretPoint(t, regret)); }
            if (t == nextCheckpoint)
            {
                checkpoints.Add(new RegretPoint(t, regret));
                nextCheckpoint = nextCheckpoint > int.MaxValue / 10 ? int.MaxValue : nextCheckpoint * 10;
            }
        }

        progress?.Report(1);
        return new BanditSimulationResult
        {
            Policy = policy.Policy,
            Rounds = rounds,
            CumulativeReward = reward,
            CumulativeRegret = regret,
            RegretAt = checkpoints,
            Curve = curve,
        };
    }
}
