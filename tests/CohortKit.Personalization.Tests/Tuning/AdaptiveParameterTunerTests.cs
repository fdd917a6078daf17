using CohortKit.Learners;
using CohortKit.Personalization.Tuning;
using CohortKit.Randomness;

namespace CohortKit.Personalization.Tests.Tuning;

/// <summary>GP-EI against random search on Branin (known minimum), ask/tell, warm start, noise, segments.</summary>
public sealed class AdaptiveParameterTunerTests
{
    private const int Budget = 50;

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void Optimize_Branin_GpReachesWithinOnePercentInFewerEvaluationsThanRandom_MedianOverSeeds(double noise)
    {
        // Evaluations until the recommended trial's true (noise-free) value is within 1 % of 0.397887; censored at Budget + 1.
        // (The 20-seed comparison on Branin and Hartmann-6 is recorded in docs/benchmarks.md from `cohortkit tune`.)
        var target = TestObjectives.BraninMinimum * 1.01;
        var seeds = Enumerable.Range(1, 5).ToArray();
        var gp = seeds.Select(s => EvaluationsToTarget(TestObjectives.BraninSpace, TestObjectives.Branin, TunerSampler.GaussianProcess, s, noise, target, Budget)).ToArray();
        var random = seeds.Select(s => EvaluationsToTarget(TestObjectives.BraninSpace, TestObjectives.Branin, TunerSampler.Random, s, noise, target, Budget)).ToArray();
        Median(gp).Should().BeLessThanOrEqualTo(Budget, "GP-EI reaches the target within the budget for most seeds");
        Median(gp).Should().BeLessThan(Median(random));
    }

    [Fact]
    public void Optimize_NoisyHartmann6_GpRecommendationReachesWithinOnePercentForMostSeeds()
    {
        // Noise sd 0.05 (above the 1 % tolerance of 0.033); judged on the true value of the recommended trial. Before the
        // lengthscale prior and the 2d initial trials, GP-EI reached in 8 of 20 seeds (docs/benchmarks.md), median = censored.
        var target = TestObjectives.Hartmann6Minimum + (0.01 * Math.Abs(TestObjectives.Hartmann6Minimum));
        var reached = Enumerable.Range(1, 9).Select(seed => EvaluationsToTarget(TestObjectives.Hartmann6Space, TestObjectives.Hartmann6, TunerSampler.GaussianProcess, seed, 0.05, target, 100)).ToArray();
        Median(reached).Should().BeLessThanOrEqualTo(100, $"evaluations per seed: {string.Join(' ', reached)}");
    }

    [Fact]
    public void Result_NoisyObjective_RecommendsTheBestPosteriorMeanNotALuckyObservation()
    {
        // f(x) = (x − 0.3)², observed with noise: 30 trials spread over [0, 1] whose noise is a fixed ±0.02 pattern, plus one
        // lucky observation at x = 0.9 (true value 0.36) told as −0.05, below every other observation. Best is that lucky
        // trial; the surrogate, seeing its neighbours near 0.36, recommends a trial near 0.3 instead.
        var space = new SearchSpace(ParameterSpec.Continuous("x", 0, 1));
        var tuner = new AdaptiveParameterTuner(space, new TunerOptions { Seed = 4 });
        for (var i = 0; i < 30; i++)
        {
            var x = (i + 0.5) / 30;
            tuner.Tell(ParameterSet.Of(space, new Dictionary<string, object> { ["x"] = x }), ((x - 0.3) * (x - 0.3)) + (i % 2 == 0 ? 0.02 : -0.02));
        }

        tuner.Tell(ParameterSet.Of(space, new Dictionary<string, object> { ["x"] = 0.9 }), -0.05);
        var result = tuner.Result();
        result.Best.Parameters["x"].Should().Be(0.9);
        result.Recommended.Parameters["x"].Should().BeInRange(0.2, 0.4);
        var random = new AdaptiveParameterTuner(space, new TunerOptions { Sampler = TunerSampler.Random });
        random.Tell(result.Best.Parameters, -0.05);
        random.Tell(result.Recommended.Parameters, 0.01);
        random.Result().Recommended.Should().Be(random.Result().Best, "random search recommends its best observation");
    }

    [Fact]
    public void Optimize_SameSeed_SameTrajectory()
    {
        var a = new AdaptiveParameterTuner(TestObjectives.BraninSpace, new TunerOptions { Seed = 3 }).Optimize(TestObjectives.Branin, 12);
        var b = new AdaptiveParameterTuner(TestObjectives.BraninSpace, new TunerOptions { Seed = 3 }).Optimize(TestObjectives.Branin, 12);
        b.Trajectory.Should().Equal(a.Trajectory);
        a.Trajectory.Should().BeInDescendingOrder();
        a.Best.Value.Should().Be(a.Trajectory[^1]);
    }

    [Fact]
    public void Tell_WarmStart_CountsTowardTheInitialTrials_AndIsKept()
    {
        var space = TestObjectives.BraninSpace;
        var tuner = new AdaptiveParameterTuner(space, new TunerOptions { InitialTrials = 3, Seed = 1 });
        var earlier = new AdaptiveParameterTuner(space, new TunerOptions { Sampler = TunerSampler.Random, Seed = 9 }).Optimize(TestObjectives.Branin, 8);
        foreach (var t in earlier.Trials) { tuner.Tell(t.Parameters, t.Value!.Value); }
        var next = tuner.Ask();
        next.Number.Should().Be(8);
        tuner.Tell(next.Number, TestObjectives.Branin(next.Parameters));
        tuner.Result().Best.Value.Should().BeLessThanOrEqualTo(earlier.Best.Value!.Value);
        tuner.Trials.Should().HaveCount(9);
    }

    [Fact]
    public void Tell_BadInput_IsRefused()
    {
        var tuner = new AdaptiveParameterTuner(TestObjectives.BraninSpace, new TunerOptions());
        var trial = tuner.Ask();
        FluentActions.Invoking(() => tuner.Tell(trial.Number, double.NaN)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("value");
        FluentActions.Invoking(() => tuner.Tell(trial.Number + 1, 1)).Should().Throw<ArgumentException>().WithMessage("Trial 1 is not pending*");
        tuner.Tell(trial.Number, 1);
        FluentActions.Invoking(() => tuner.Tell(trial.Number, 2)).Should().Throw<ArgumentException>().WithMessage("Trial 0 is not pending*");
        FluentActions.Invoking(() => tuner.Tell(TestObjectives.Hartmann6Space.Decode(new double[6]), 1)).Should().Throw<ArgumentException>().WithMessage("*another search space*");
        FluentActions.Invoking(() => new AdaptiveParameterTuner(TestObjectives.BraninSpace, new TunerOptions { InitialTrials = 1 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("InitialTrials");
        FluentActions.Invoking(() => new AdaptiveParameterTuner(TestObjectives.BraninSpace, new TunerOptions()).Result()).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Optimize_MixedSpace_Maximize_FindsTheKnownBestRegion()
    {
        // Engagement peaks at 20-minute lessons, ramp 0.35, cohort size 40 (log scale), channel "push".
        var space = new SearchSpace(
            ParameterSpec.Integer("lesson_minutes", 5, 60),
            ParameterSpec.Continuous("difficulty_ramp", 0, 1),
            ParameterSpec.Log("cohort_size", 5, 500),
            ParameterSpec.Categorical("channel", "email", "push", "none"));
        static double Engagement(ParameterSet p) =>
            -Math.Pow((p["lesson_minutes"] - 20) / 20, 2) - Math.Pow((p["difficulty_ramp"] - 0.35) / 0.3, 2)
            - Math.Pow(Math.Log(p["cohort_size"] / 40), 2) + (p.Category("channel") == "push" ? 0.5 : 0);
        var result = new AdaptiveParameterTuner(space, new TunerOptions { Direction = OptimizationDirection.Maximize, Seed = 2 }).Optimize(Engagement, 40);
        var best = result.Best.Parameters;
        best.Category("channel").Should().Be("push");
        best["lesson_minutes"].Should().Be(Math.Round(best["lesson_minutes"]));
        best["lesson_minutes"].Should().BeInRange(14, 26);
        best["cohort_size"].Should().BeInRange(25, 65);
        result.Trajectory.Should().BeInAscendingOrder();
        result.Best.Value!.Value.Should().BeGreaterThan(0.3);
    }

    [Fact]
    public void OptimizeBySegment_FindsEachSegmentsOwnOptimum()
    {
        var space = new SearchSpace(ParameterSpec.Integer("reminder_hour", 0, 23));
        var regions = CategoricalColumn.Encode("region", ["eu", "us", "eu", "apac"]);
        var optimum = new Dictionary<string, double> { ["eu"] = 8, ["us"] = 19, ["apac"] = 13 };
        var results = AdaptiveParameterTuner.OptimizeBySegment(space, new TunerOptions(), regions, (segment, p) => Math.Abs(p["reminder_hour"] - optimum[segment]), 15);
        results.Keys.Should().Equal("eu", "us", "apac");
        foreach (var (segment, result) in results) { result.Best.Parameters["reminder_hour"].Should().Be(optimum[segment], segment); }
    }

    [Fact]
    public void SearchSpace_BadInput_IsRefused()
    {
        FluentActions.Invoking(() => ParameterSpec.Continuous("x", 1, 1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("Parameter 'x' needs finite bounds*");
        FluentActions.Invoking(() => ParameterSpec.Log("x", 0, 1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*log-scale parameter 'x'*");
        FluentActions.Invoking(() => ParameterSpec.Categorical("c")).Should().Throw<ArgumentException>().WithMessage("*at least one category*");
        FluentActions.Invoking(() => ParameterSpec.Categorical("c", "a", "a")).Should().Throw<ArgumentException>().WithMessage("*distinct*");
        FluentActions.Invoking(() => new SearchSpace(ParameterSpec.Continuous("x", 0, 1), ParameterSpec.Continuous("x", 0, 2))).Should().Throw<ArgumentException>().WithMessage("*distinct*");
        var space = new SearchSpace(ParameterSpec.Integer("n", 1, 9), ParameterSpec.Categorical("c", "a", "b"));
        FluentActions.Invoking(() => ParameterSet.Of(space, new Dictionary<string, object> { ["n"] = 2.5, ["c"] = "a" })).Should().Throw<ArgumentException>().WithMessage("*not a whole number*");
        FluentActions.Invoking(() => ParameterSet.Of(space, new Dictionary<string, object> { ["n"] = 2, ["c"] = "z" })).Should().Throw<ArgumentException>().WithMessage("'z' is not a category*");
        var set = ParameterSet.Of(space, new Dictionary<string, object> { ["n"] = 4, ["c"] = "b" });
        set.ToDictionary().Should().BeEquivalentTo(new Dictionary<string, object> { ["n"] = 4.0, ["c"] = "b" });
        FluentActions.Invoking(() => set.Category("n")).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => set["c"]).Should().Throw<InvalidOperationException>();
    }

    private static int EvaluationsToTarget(SearchSpace space, Func<ParameterSet, double> f, TunerSampler sampler, int seed, double noise, double target, int budget)
    {
        var tuner = new AdaptiveParameterTuner(space, new TunerOptions { Sampler = sampler, Seed = seed });
        var noiseRandom = new Xoshiro256((ulong)seed, 99);
        for (var i = 1; i <= budget; i++)
        {
            var trial = tuner.Ask();
            tuner.Tell(trial.Number, f(trial.Parameters) + (noise * noiseRandom.NextGaussian()));
            if (f(tuner.Result().Recommended.Parameters) <= target) { return i; }
        }

        return budget + 1;
    }

    private static double Median(int[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }
}
