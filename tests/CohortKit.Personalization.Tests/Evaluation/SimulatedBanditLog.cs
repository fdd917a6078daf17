using CohortKit.Personalization.Evaluation;
using CohortKit.Randomness;

namespace CohortKit.Personalization.Tests.Evaluation;

/// <summary>A known world for off-policy tests: M fixed contexts drawn uniformly, Bernoulli rewards with mean
/// μ(x, a) = 0.5 + 0.14·θ_aᵀx (linear, in (0.08, 0.92)), a softmax logging policy and a softmax target policy. The
/// target's true value is exact: (1/M) Σ_m Σ_a π(a|x_m) μ(x_m, a).</summary>
internal sealed class SimulatedBanditLog
{
    public const int Actions = 4;
    public const int Features = 3;
    private const int Contexts = 50;
    private readonly double[,] _x = new double[Contexts, Features];
    private readonly double[,] _theta = new double[Actions, Features];

    public SimulatedBanditLog(ulong worldSeed = 7)
    {
        var random = new Xoshiro256(worldSeed, 0);
        for (var m = 0; m < Contexts; m++) { for (var f = 0; f < Features; f++) { _x[m, f] = (2 * random.NextDouble()) - 1; } }
        for (var a = 0; a < Actions; a++) { for (var f = 0; f < Features; f++) { _theta[a, f] = (2 * random.NextDouble()) - 1; } }
    }

    public double Mu(int m, int a)
    {
        var s = 0.0;
        for (var f = 0; f < Features; f++) { s += _theta[a, f] * _x[m, f]; }
        return 0.5 + (0.14 * s);
    }

    /// <summary>Logging policy: softmax of a fixed unrelated score (all probabilities well above 0).</summary>
    public static double Logging(int m, int a) => Softmax(m, a, (mm, aa) => 0.8 * Math.Sin((mm * 1.7) + (aa * 2.3)));

    /// <summary>Target policy: softmax of 8·μ, close to the best action.</summary>
    public double Target(int m, int a) => Softmax(m, a, (mm, aa) => 8 * Mu(mm, aa));

    /// <summary>The best action's mean for context m.</summary>
    public double Best(int m) => Enumerable.Range(0, Actions).Max(a => Mu(m, a));

    public double TrueTargetValue()
    {
        var v = 0.0;
        for (var m = 0; m < Contexts; m++) { for (var a = 0; a < Actions; a++) { v += Target(m, a) * Mu(m, a); } }
        return v / Contexts;
    }

    public double TrueOptimalValue() => Enumerable.Range(0, Contexts).Average(Best);

    public double TrueUniformValue() => Enumerable.Range(0, Contexts).Average(m => Enumerable.Range(0, Actions).Average(a => Mu(m, a)));

    /// <summary>Draws a log of n rows and the target's probabilities for it.</summary>
    public (InteractionLog Log, TargetPolicy Target, int[] ContextOf) Draw(int n, ulong seed)
    {
        var random = new Xoshiro256(seed, 1);
        var ids = new string[n];
        var actions = new string[n];
        var p = new double[n];
        var r = new double[n];
        var x = new double[n * Features];
        var contextOf = new int[n];
        for (var i = 0; i < n; i++)
        {
            var m = random.NextInt(Contexts);
            contextOf[i] = m;
            var u = random.NextDouble();
            var a = 0;
            var cumulative = Logging(m, 0);
            while (u >= cumulative && a < Actions - 1) { a++; cumulative += Logging(m, a); }
            ids[i] = $"e{i}";
            actions[i] = $"a{a}";
            p[i] = Logging(m, a);
            r[i] = random.NextDouble() < Mu(m, a) ? 1 : 0;
            for (var f = 0; f < Features; f++) { x[(i * Features) + f] = _x[m, f]; }
        }

        var log = new InteractionLog(ids, actions, p, r, Enumerable.Range(0, Features).Select(f => $"x_{f}").ToList(), x);
        var target = new double[n * log.Actions.Count];
        for (var i = 0; i < n; i++)
        {
            for (var code = 0; code < log.Actions.Count; code++) { target[(i * log.Actions.Count) + code] = Target(contextOf[i], int.Parse(log.Actions[code][1..], System.Globalization.CultureInfo.InvariantCulture)); }
        }

        return (log, new TargetPolicy(log, target), contextOf);
    }

    private static double Softmax(int m, int a, Func<int, int, double> score)
    {
        var z = 0.0;
        for (var b = 0; b < Actions; b++) { z += Math.Exp(score(m, b)); }
        return Math.Exp(score(m, a)) / z;
    }
}
