using BenchmarkDotNet.Attributes;
using CohortKit.Personalization.Engine;
using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Benchmarks.Personalization;

/// <summary>One Rank decision over 10 actions × 20 context features (φ of 21 with the intercept) on a model trained with
/// 5,000 rewards: the engine's LinUCB and Thompson against a straightforward LinUCB (a new φ array and a MathNet
/// matrix-vector product per action, as one would first write it), in the same run. The engine's decision is discarded
/// after ranking so that the pending set does not grow across the run.</summary>
[MemoryDiagnoser]
public class PersonalizerRankBenchmarks
{
    private const int Actions = 10;
    private const int Features = 20;
    private readonly double[][] _contexts = new double[1024][];
    private Personalizer _linUcb = null!;
    private Personalizer _thompson = null!;
    private RankableAction[] _actions = [];
    private Matrix<double>[] _inverse = [];
    private Vector<double>[] _theta = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < _contexts.Length; i++) { _contexts[i] = [.. Enumerable.Range(0, Features).Select(_ => random.NextDouble() - 0.5)]; }
        _actions = [.. Enumerable.Range(0, Actions).Select(a => new RankableAction($"action{a}"))];
        _linUcb = Trained(BanditPolicy.LinUcb);
        _thompson = Trained(BanditPolicy.Thompson);
        _inverse = [.. _actions.Select(a => Matrix<double>.Build.Dense(Features + 1, Features + 1, (i, j) => _linUcb.ArmOf(a.Id).Inverse[(i * (Features + 1)) + j]))];
        _theta = [.. _actions.Select(a => Vector<double>.Build.Dense(_linUcb.ArmOf(a.Id).Theta))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _linUcb.Dispose();
        _thompson.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int StraightforwardLinUcb()
    {
        var x = _contexts[_next++ & 1023];
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var a = 0; a < Actions; a++)
        {
            var phi = new double[Features + 1];
            phi[0] = 1;
            Array.Copy(x, 0, phi, 1, Features);
            var v = Vector<double>.Build.Dense(phi);
            var score = _theta[a].DotProduct(v) + (0.5 * Math.Sqrt(v.DotProduct(_inverse[a] * v)));
            if (score > bestScore) { bestScore = score; best = a; }
        }

        return best;
    }

    [Benchmark]
    public RankResult RankLinUcb()
    {
        var result = _linUcb.Rank(_contexts[_next++ & 1023], _actions);
        _linUcb.Discard(result.EventId);
        return result;
    }

    [Benchmark]
    public RankResult RankThompson()
    {
        var result = _thompson.Rank(_contexts[_next++ & 1023], _actions);
        _thompson.Discard(result.EventId);
        return result;
    }

    /// <summary>The trained Thompson model's mean θᵀφ and width √(φᵀA⁻¹φ) of every action for context <paramref name="context"/>.</summary>
    internal void MeansAndWidths(int context, Span<double> means, Span<double> widths)
    {
        var phi = new double[Features + 1];
        phi[0] = 1;
        _contexts[context].CopyTo(phi, 1);
        for (var a = 0; a < Actions; a++)
        {
            var arm = _thompson.ArmOf(_actions[a].Id);
            means[a] = arm.Mean(phi);
            widths[a] = arm.Width(phi);
        }
    }

    private Personalizer Trained(BanditPolicy policy)
    {
        var engine = new Personalizer(new PersonalizerOptions { ContextFeatures = Features, Policy = { Policy = policy } });
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var x = _contexts[i & 1023];
            var d = engine.Rank(x, _actions);
            engine.Reward(d.EventId, x[d.ActionIndex] + random.NextDouble());
        }

        return engine;
    }
}
