using BenchmarkDotNet.Attributes;
using CohortKit.Personalization.Engine;
using CohortKit.Randomness;

namespace CohortKit.Benchmarks.Personalization;

/// <summary>The choice alone, from each action's mean and width already computed, on the 1,024 contexts of
/// <see cref="PersonalizerRankBenchmarks"/>'s trained Thompson model (10 actions, scale 0.5): Thompson's draw and exact
/// propensity against LinUCB's arg-max (the baseline: a choice with no propensity to integrate), in the same run. What the
/// propensity costs a decision, apart from the features, the arms and the bookkeeping.</summary>
public class ThompsonChoiceBenchmarks
{
    private const int Actions = 10;
    private const int Contexts = 1024;
    private readonly double[] _means = new double[Contexts * Actions];
    private readonly double[] _widths = new double[Contexts * Actions];
    private readonly BanditPolicyOptions _thompson = new() { Policy = BanditPolicy.Thompson };
    private readonly BanditPolicyOptions _linUcb = new() { Policy = BanditPolicy.LinUcb };
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var rank = new PersonalizerRankBenchmarks();
        rank.Setup();
        for (var i = 0; i < Contexts; i++)
        {
            rank.MeansAndWidths(i, _means.AsSpan(i * Actions, Actions), _widths.AsSpan(i * Actions, Actions));
        }

        rank.Cleanup();
    }

    [Benchmark(Baseline = true)]
    public double LinUcbChoice() => Choose(_linUcb);

    [Benchmark]
    public double ThompsonChoiceWithPropensity() => Choose(_thompson);

    private double Choose(BanditPolicyOptions options)
    {
        var i = _next++ & (Contexts - 1);
        var random = new Xoshiro256(7, (ulong)_next);
        var chosen = ActionSelection.Choose(options, _means.AsSpan(i * Actions, Actions), _widths.AsSpan(i * Actions, Actions), ref random, out var propensity);
        return chosen + propensity;
    }
}
