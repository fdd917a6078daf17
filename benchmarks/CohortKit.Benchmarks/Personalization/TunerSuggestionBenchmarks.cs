using BenchmarkDotNet.Attributes;
using CohortKit.Personalization.Tuning;

namespace CohortKit.Benchmarks.Personalization;

/// <summary>One GP-EI suggestion (surrogate fit by marginal likelihood + expected-improvement search) with 100 observed
/// Hartmann-6 trials. Baseline: the same suggestion with the hyperparameters fitted from scratch (no warm start from the
/// previous fit), as a first implementation would do; the tuner in a sequential loop warm-starts.</summary>
[MemoryDiagnoser]
public class TunerSuggestionBenchmarks
{
    private const int Observations = 100;
    private readonly List<(ParameterSet Parameters, double Value)> _history = [];
    private AdaptiveParameterTuner _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new AdaptiveParameterTuner(TestObjectives.Hartmann6Space, new TunerOptions { Sampler = TunerSampler.Random, Seed = 5 });
        foreach (var t in random.Optimize(TestObjectives.Hartmann6, Observations).Trials) { _history.Add((t.Parameters, t.Value!.Value)); }
        _warm = Fresh();
        _warm.Ask(); // fits once, so the measured suggestions start from the previous hyperparameters
    }

    [Benchmark(Baseline = true)]
    public Trial ColdFit() => Fresh().Ask();

    [Benchmark]
    public Trial WarmStartedSuggestion() => _warm.Ask();

    private AdaptiveParameterTuner Fresh()
    {
        var tuner = new AdaptiveParameterTuner(TestObjectives.Hartmann6Space, new TunerOptions { Seed = 1 });
        foreach (var (p, v) in _history) { tuner.Tell(p, v); }
        return tuner;
    }
}
