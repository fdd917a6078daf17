using CohortKit.Personalization.Engine;
using CohortKit.Personalization.Simulation;

namespace CohortKit.Personalization.Tests.Simulation;

/// <summary>Regret of the engine's policies against learners with known latent preferences.</summary>
public sealed class BanditSimulationTests
{
    private const int Rounds = 100_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Run_100kRounds_LinUcbAndThompsonHaveSublinearRegret_BelowEpsilonGreedyAndRandom(long seed)
    {
        var world = LearnerPreferences.Random(2000, 10, 5, seed);
        var linUcb = BanditSimulation.Run(new BanditPolicyOptions { Policy = BanditPolicy.LinUcb }, world, Rounds, seed);
        var thompson = BanditSimulation.Run(new BanditPolicyOptions { Policy = BanditPolicy.Thompson }, world, Rounds, seed);
        var epsilon = BanditSimulation.Run(new BanditPolicyOptions { Policy = BanditPolicy.EpsilonGreedy }, world, Rounds, seed);
        var random = BanditSimulation.Run(new BanditPolicyOptions { Policy = BanditPolicy.Random }, world, Rounds, seed);

        foreach (var learner in new[] { linUcb, thompson })
        {
            // Linear regret grows ×10 from 10,000 to 100,000 rounds, √T regret ×3.16; require below ×10^0.75 ≈ 5.6.
            var ratio = At(learner, 100_000) / At(learner, 10_000);
            ratio.Should().BeLessThan(Math.Pow(10, 0.75), $"{learner.Policy} regret must grow sublinearly");
            learner.CumulativeRegret.Should().BeLessThan(epsilon.CumulativeRegret, $"{learner.Policy} beats epsilon-greedy");
            learner.CumulativeRegret.Should().BeLessThan(random.CumulativeRegret, $"{learner.Policy} beats random");
        }

        // The baselines' regret is linear: epsilon-greedy keeps exploring, random never learns.
        (At(epsilon, 100_000) / At(epsilon, 10_000)).Should().BeGreaterThan(7);
        (At(random, 100_000) / At(random, 10_000)).Should().BeInRange(9, 11);
        linUcb.RegretAt.Select(p => p.Round).Should().Equal(1000, 10_000, 100_000);
        linUcb.Curve[^1].Should().Be(new RegretPoint(Rounds, linUcb.CumulativeRegret));
    }

    [Fact]
    public void Run_SameSeed_SameResult()
    {
        var world = LearnerPreferences.Random(100, 5, 5, seed: 4);
        var a = BanditSimulation.Run(new BanditPolicyOptions { Policy = BanditPolicy.Thompson }, world, 3000, 7);
        var b = BanditSimulation.Run(new BanditPolicyOptions { Policy = BanditPolicy.Thompson }, world, 3000, 7);
        b.CumulativeRegret.Should().Be(a.CumulativeRegret);
        b.CumulativeReward.Should().Be(a.CumulativeReward);
    }

    [Fact]
    public void Run_RegretIsTheSumOfTheTrueGaps_ZeroForASingleAction()
    {
        var world = LearnerPreferences.Random(10, 5, 1, seed: 1);
        BanditSimulation.Run(new BanditPolicyOptions(), world, 500, 1).CumulativeRegret.Should().Be(0);
    }

    [Fact]
    public void LearnerPreferences_BadInput_IsRefused()
    {
        FluentActions.Invoking(() => new LearnerPreferences([1, 2, 3], 2, [1, 1, 1], 0.1)).Should().Throw<ArgumentException>().WithMessage("contexts has 3 values*");
        FluentActions.Invoking(() => new LearnerPreferences([1, 2], 2, [1, 1], 0.1)).Should().Throw<ArgumentException>().WithMessage("weights has 2 values*");
        FluentActions.Invoking(() => new LearnerPreferences([1, 2], 2, [1, 1, 1], -1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("noise");
        FluentActions.Invoking(() => new LearnerPreferences([1, double.NaN], 2, [1, 1, 1], 1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("contexts");
    }

    private static double At(BanditSimulationResult result, int round) => result.RegretAt.Single(p => p.Round == round).CumulativeRegret;
}
