using BenchmarkDotNet.Attributes;
using CohortKit.Personalization.Tuning;

namespace CohortKit.Benchmarks.Personalization;

/// <summary>One GP-EI suggestion (surrogate fit by marginal likelihood + expected-improvement search) with 100 observed
/// Hartmann-6 trials. Baseline: the same suggestion with the hyperparameters fitted from scratch (no warm start), as a
/// first implementation would do. <see cref="WarmStartedSuggestion"/> is one step of a sequential run: the fit starts
/// from the hyperparameters fitted to the first 99 trials, as the tuner's previous suggestion left them.</summary>
[MemoryDiagnoser]
public class TunerSuggestionBenchmarks
{
    private const int Observations = 100;
    private readonly List<(ParameterSet Parameters, double Value)> _history = [];
    private double[] _previousFit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new AdaptiveParameterTuner(TestObjectives.Hartmann6Space, new TunerOptions { Sampler = TunerSampler.Random, Seed = 5 });
        foreach (var t in random.Optimize(TestObjectives.Hartmann6, Observations).Trials) { _history.Add((t.Parameters, t.Value!.Value)); }
        var previous = Fresh(Observations - 1);
        previous.Ask();
        _previousFit = previous.SurrogateWarmStart!;
    }

    [Benchmark(Baseline = true)]
    public Trial ColdFit() => Fresh(Observations).Ask();

    [Benchmark]
    public Trial WarmStartedSuggestion()
    {
        var tuner = Fresh(Observations);
        tuner.SurrogateWarmStart = _previousFit;
        return tuner.Ask();
    }

    private AdaptiveParameterTuner Fresh(int observations)
    {
        var tuner = new AdaptiveParameterTuner(TestObjectives.Hartmann6Space, new TunerOptions { Seed = 1 });
        foreach (var (p, v) in _history.Take(observations)) { tuner.Tell(p, v); }
        return tuner;
    }
}
