using System.Globalization;
using CohortKit.Personalization.Tuning;
using CohortKit.Randomness;

namespace CohortKit.Benchmarks.Personalization;

/// <summary><c>--tune-comparison SEEDS BUDGET NOISE</c>: GP-EI against random search on Branin and Hartmann-6, the number
/// of evaluations until the tuner's recommendation (<see cref="TuningResult.Recommended"/>: for GP-EI the observed trial of
/// best posterior mean, for random search the best observed value) has a true (noise-free) value within 1 % of the known
/// minimum, median over seeds (a run that never gets there counts as BUDGET + 1). With noise the tuner sees
/// value + N(0, NOISE²); the target is judged on the truth of the recommended point, never on a noisy observation, and
/// never on a point the tuner evaluated but would not recommend.</summary>
internal static class TunerComparisonRun
{
    public static int Run(int seeds, int budget, double noise)
    {
        var problems = new (string Name, SearchSpace Space, Func<ParameterSet, double> F, double Minimum)[]
        {
            ("branin", TestObjectives.BraninSpace, TestObjectives.Branin, TestObjectives.BraninMinimum),
            ("hartmann6", TestObjectives.Hartmann6Space, TestObjectives.Hartmann6, TestObjectives.Hartmann6Minimum),
        };
        foreach (var (name, space, f, minimum) in problems)
        {
            foreach (var sampler in new[] { TunerSampler.GaussianProcess, TunerSampler.Random })
            {
                var evaluations = new List<int>();
                for (var seed = 1; seed <= seeds; seed++)
                {
                    var tuner = new AdaptiveParameterTuner(space, new TunerOptions { Sampler = sampler, Seed = seed });
                    var random = new Xoshiro256((ulong)seed, 0x401);
                    var reached = budget + 1;
                    for (var i = 1; i <= budget && reached > budget; i++)
                    {
                        var trial = tuner.Ask();
                        tuner.Tell(trial.Number, f(trial.Parameters) + (noise * random.NextGaussian()));
                        if (f(tuner.Result().Recommended.Parameters) <= minimum + (0.01 * Math.Abs(minimum))) { reached = i; }
                    }

                    evaluations.Add(reached);
                }

                evaluations.Sort();
                var median = seeds % 2 == 1 ? evaluations[seeds / 2] : 0.5 * (evaluations[(seeds / 2) - 1] + evaluations[seeds / 2]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name} {sampler} noise {noise}: median evaluations to 1 % = {median} ({evaluations.Count(e => e <= budget)}/{seeds} reached within {budget}); sorted: {string.Join(' ', evaluations)}"));
            }
        }

        return 0;
    }
}
