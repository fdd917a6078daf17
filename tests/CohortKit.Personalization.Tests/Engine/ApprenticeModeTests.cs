using CohortKit.Personalization.Engine;
using CohortKit.Personalization.Simulation;
using CohortKit.Randomness;

namespace CohortKit.Personalization.Tests.Engine;

/// <summary>Apprentice mode: the baseline is served until the engine's own choices agree with it often enough.</summary>
public sealed class ApprenticeModeTests
{
    private const int Window = 200;
    private const double Threshold = 0.9;

    [Fact]
    public void Rank_ApprenticeMode_ServesTheBaseline_AndSwitchesAtTheFirstWindowWhoseAgreementReachesTheThreshold()
    {
        // The baseline is the best action for each learner (known preferences); the engine learns from its rewards.
        var world = LearnerPreferences.Random(500, 6, 5, seed: 3, noise: 0.3);
        var options = new PersonalizerOptions
        {
            ContextFeatures = 6,
            ApprenticeMode = true,
            ApprenticeWindow = Window,
            ApprenticeThreshold = Threshold,
            Policy = { Policy = BanditPolicy.LinUcb, UcbWidth = 0.2 },
        };
        using var engine = new Personalizer(options);
        var actions = Enumerable.Range(0, world.Actions).Select(a => new RankableAction($"a{a}")).ToArray();
        var random = new Xoshiro256(9, 0);
        var agreed = new List<bool>();
        var switchedAfter = -1;
        for (var t = 0; t < 20_000 && switchedAfter < 0; t++)
        {
            var learner = random.NextInt(world.Learners);
            var best = Enumerable.Range(0, world.Actions).MaxBy(a => world.ExpectedReward(learner, a));
            var d = engine.Rank(world.Context(learner), actions, $"a{best}");
            d.Mode.Should().Be(PersonalizerMode.Apprentice);
            d.ActionId.Should().Be($"a{best}", "apprentice mode serves the baseline");
            d.Propensity.Should().Be(1);
            agreed.Add(d.ModelActionId == d.ActionId);
            engine.Reward(d.EventId, world.ExpectedReward(learner, d.ActionIndex) + (0.3 * random.NextGaussian()));
            if (engine.Mode == PersonalizerMode.Online) { switchedAfter = t; }
        }

        switchedAfter.Should().BeGreaterThanOrEqualTo(Window - 1, "no switch before a full window");
        // Independently: the agreement over each full window before the switch stayed below the threshold, and the
        // window ending at the switch reached it.
        for (var end = Window - 1; end < switchedAfter; end++)
        {
            var share = agreed.Skip(end - Window + 1).Take(Window).Count(a => a) / (double)Window;
            share.Should().BeLessThan(Threshold, $"the window ending at decision {end} had not reached the threshold");
        }

        (agreed.Skip(switchedAfter - Window + 1).Take(Window).Count(a => a) / (double)Window).Should().BeGreaterThanOrEqualTo(Threshold);
        engine.ApprenticeAgreement.Should().BeGreaterThanOrEqualTo(Threshold);

        var after = engine.Rank(world.Context(0), actions, "a0");
        after.Mode.Should().Be(PersonalizerMode.Online);
        after.ModelActionId.Should().Be(after.ActionId);
    }

    [Fact]
    public void Rank_ApprenticeMode_WithAnUnlearnableBaseline_NeverSwitches()
    {
        // A baseline that picks at random cannot be agreed with 90 % of the time.
        var options = new PersonalizerOptions { ContextFeatures = 5, ApprenticeMode = true, ApprenticeWindow = 100, ApprenticeThreshold = Threshold };
        using var engine = new Personalizer(options);
        var actions = Enumerable.Range(0, 4).Select(a => new RankableAction($"a{a}")).ToArray();
        var random = new Xoshiro256(1, 0);
        for (var t = 0; t < 3000; t++)
        {
            var d = engine.Rank([1, 0, 0, 0, 0], actions, $"a{random.NextInt(4)}");
            engine.Reward(d.EventId, random.NextDouble());
        }

        engine.Mode.Should().Be(PersonalizerMode.Apprentice);
        engine.ApprenticeAgreement.Should().BeLessThan(Threshold);
    }

    [Fact]
    public void Rank_ApprenticeMode_RequiresABaselineAmongTheActions()
    {
        using var engine = new Personalizer(new PersonalizerOptions { ContextFeatures = 5, ApprenticeMode = true });
        RankableAction[] actions = [new("a"), new("b")];
        FluentActions.Invoking(() => engine.Rank([1, 2, 3, 4, 5], actions)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("baselineActionId");
        FluentActions.Invoking(() => engine.Rank([1, 2, 3, 4, 5], actions, "c")).Should().Throw<ArgumentException>().WithMessage("The baseline action 'c' is not in the action set*");
    }
}
