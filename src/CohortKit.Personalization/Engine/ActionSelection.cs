using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CohortKit.Randomness;
using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Personalization.Engine;

/// <summary>The one implementation of each policy's choice and of its action probabilities, from every action's predicted
/// reward (mean) and width √(φᵀA⁻¹φ). The engine uses <see cref="Choose"/> (the propensity of the chosen action); off-policy
/// evaluation uses <see cref="Probabilities"/> (the whole distribution).</summary>
/// <remarks>Thompson sampling's probability that an action's draw is the largest,
/// <c>P(a) = ∫ φ(z) Π_{b≠a} Φ((m_a + s_a z − m_b) / s_b) dz</c> with <c>s = v·width</c>, is computed by composite
/// Gauss–Legendre quadrature over the range where it is not negligible (see <see cref="ThompsonProbability"/>), not by sampling.</remarks>
internal static class ActionSelection
{
    /// <summary>The Gauss–Legendre nodes per panel of the Thompson propensity's quadrature.</summary>
    public const int PanelNodes = 32;

    /// <summary>A panel's width in units of the narrowest rising factor's width (and at most this many standard deviations
    /// of the chosen action's draw).</summary>
    private const double PanelWidth = 8;

    /// <summary>Where φ and the factors' tails are cut: Φ(−7.5) ≈ 3.2e-14.</summary>
    private const double Cutoff = 7.5;

    /// <summary>Points per unit of the table behind <see cref="TabulatedNormalCdf"/> (so |d| ≤ 1/16 from the nearest point).</summary>
    private const int TableStepsPerUnit = 8;

    /// <summary>The degree of the Taylor polynomial of Φ about each table point.</summary>
    private const int TaylorDegree = 12;

    private const int TableTerms = TaylorDegree + 1;
    private const int TablePoints = (int)(2 * Cutoff * TableStepsPerUnit) + 1;

    private static readonly double InverseSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

    /// <summary>Per table point x₀, the Taylor coefficients c₀..c₁₂ of Φ(x₀ + d) in d (row-major, <see cref="TableTerms"/> a row).</summary>
    private static readonly double[] TaylorTable = Tabulate();

    /// <summary>The smallest width used for a Thompson draw, so that a degenerate (zero) width cannot divide by zero.</summary>
    private const double MinimumSpread = 1e-12;

    private static readonly (double[] Nodes, double[] Weights) Legendre = LegendreRule(PanelNodes);

    /// <summary>Chooses an action.</summary>
    /// <param name="options">The policy.</param>
    /// <param name="means">θᵀφ per action.</param>
    /// <param name="widths">√(φᵀA⁻¹φ) per action.</param>
    /// <param name="random">The event's generator.</param>
    /// <param name="propensity">The probability with which the policy chooses the returned action.</param>
    /// <returns>The chosen action's index.</returns>
    public static int Choose(BanditPolicyOptions options, ReadOnlySpan<double> means, ReadOnlySpan<double> widths, ref Xoshiro256 random, out double propensity)
    {
        var k = means.Length;
        switch (options.Policy)
        {
            case BanditPolicy.Random:
                propensity = 1.0 / k;
                return random.NextInt(k);
            case BanditPolicy.EpsilonGreedy:
            {
                var explore = random.NextDouble() < options.Epsilon;
                var greedy = ArgMax(means, default, 0, ref random, out var ties);
                var chosen = explore ? random.NextInt(k) : greedy;
                var isGreedy = chosen == greedy || (ties > 1 && IsTied(means, default, 0, chosen, means[greedy]));
                propensity = (options.Epsilon / k) + (isGreedy ? (1 - options.Epsilon) / ties : 0);
                return chosen;
            }

            case BanditPolicy.LinUcb:
            {
                var chosen = ArgMax(means, widths, options.UcbWidth, ref random, out var ties);
                propensity = 1.0 / ties;
                return chosen;
            }

            default:
            {
                var best = double.NegativeInfinity;
                var chosen = 0;
                for (var a = 0; a < k; a++)
                {
                    var draw = means[a] + (options.ThompsonScale * widths[a] * random.NextGaussian());
                    if (draw > best) { best = draw; chosen = a; }
                }

                propensity = ThompsonProbability(means, widths, options.ThompsonScale, chosen);
                return chosen;
            }
        }
    }

    /// <summary>Writes the policy's probability of every action.</summary>
    /// <param name="options">The policy.</param>
    /// <param name="means">θᵀφ per action.</param>
    /// <param name="widths">√(φᵀA⁻¹φ) per action.</param>
    /// <param name="destination">One probability per action; they sum to 1.</param>
    public static void Probabilities(BanditPolicyOptions options, ReadOnlySpan<double> means, ReadOnlySpan<double> widths, Span<double> destination)
    {
        var k = means.Length;
        switch (options.Policy)
        {
            case BanditPolicy.Random:
                destination[..k].Fill(1.0 / k);
                return;
            case BanditPolicy.EpsilonGreedy:
                SplitTies(means, default, 0, destination, 1 - options.Epsilon);
                for (var a = 0; a < k; a++) { destination[a] += options.Epsilon / k; }
                return;
            case BanditPolicy.LinUcb:
                SplitTies(means, widths, options.UcbWidth, destination, 1);
                return;
            default:
                Span<double> spreads = k <= 64 ? stackalloc double[k] : new double[k];
                Spreads(widths, options.ThompsonScale, spreads);
                var total = 0.0;
                for (var a = 0; a < k; a++) { total += destination[a] = ProbabilityFromSpreads(means, spreads, a); }
                for (var a = 0; a < k; a++) { destination[a] /= total; }
                return;
        }
    }

    /// <summary>P(action <paramref name="a"/>'s draw is the largest) under independent normal draws N(mᵢ, (v·widthᵢ)²).</summary>
    /// <remarks>
    /// With z the chosen action's standardised draw, t_b = (m_b − m_a)/s_a and w_b = s_b/s_a,
    /// P = ∫ φ(z) Π_{b≠a} Φ((z − t_b)/w_b) dz. Every factor rises from 0 to 1 within ±<see cref="Cutoff"/>·w_b of t_b, and
    /// φ is negligible beyond ±<see cref="Cutoff"/>; so the integral runs from lo = max(−C, max_b t_b − C·w_b) (below lo some
    /// factor is under Φ(−C) ≈ 3e-14) to C, a factor is dropped once z passes t_b + C·w_b (it is then 1 within 3e-14), and
    /// the rest is integrated by composite <see cref="PanelNodes"/>-point Gauss–Legendre panels no wider than
    /// <see cref="PanelWidth"/> times the narrowest width still rising (a sharp factor is resolved where it rises, and
    /// only there). Against SciPy's adaptive quadrature the error is below 1e-12 absolute (and 1e-9 relative above 1e-4) for
    /// width ratios from 1 to 1,000
    /// (tests/reference/personalization/thompson_propensity.json).
    /// </remarks>
    public static double ThompsonProbability(ReadOnlySpan<double> means, ReadOnlySpan<double> widths, double scale, int a)
    {
        var k = means.Length;
        if (k == 1) { return 1; }
        Span<double> spreads = k <= 64 ? stackalloc double[k] : new double[k];
        Spreads(widths, scale, spreads);
        return ProbabilityFromSpreads(means, spreads, a);
    }

    /// <summary>The Thompson propensity from the draws' standard deviations s = max(v·width, <see cref="MinimumSpread"/>),
    /// computed once per decision.</summary>
    private static double ProbabilityFromSpreads(ReadOnlySpan<double> means, ReadOnlySpan<double> spreads, int a)
    {
        var k = means.Length;
        if (k == 1) { return 1; }
        var sa = spreads[a];
        var ma = means[a];
        Span<double> centres = k <= 64 ? stackalloc double[k] : new double[k];
        Span<double> inverseWidths = k <= 64 ? stackalloc double[k] : new double[k];
        Span<double> ends = k <= 64 ? stackalloc double[k] : new double[k];
        var lo = -Cutoff;
        var active = 0;
        for (var b = 0; b < k; b++)
        {
            if (b == a) { continue; }
            var t = (means[b] - ma) / sa;
            var w = spreads[b] / sa;
            lo = Math.Max(lo, t - (Cutoff * w));
            centres[active] = t;
            inverseWidths[active] = 1 / w;
            ends[active] = t + (Cutoff * w);
            active++;
        }

        if (!(lo < Cutoff)) { return double.Epsilon; } // some factor is below Φ(−C) wherever φ is not negligible

        // Keep only the factors that still rise somewhere in [lo, C], ordered by where they reach 1.
        var kept = 0;
        for (var i = 0; i < active; i++)
        {
            if (ends[i] > lo) { centres[kept] = centres[i]; inverseWidths[kept] = inverseWidths[i]; ends[kept] = ends[i]; kept++; }
        }

        var (nodes, weights) = Legendre;
        var p = 0.0;
        var z = lo;
        while (z < Cutoff)
        {
            // Drop the factors that have reached 1; the narrowest remaining one sets the panel width.
            var narrowest = 1.0;
            var live = 0;
            for (var i = 0; i < kept; i++)
            {
                if (ends[i] <= z) { continue; }
                centres[live] = centres[i];
                inverseWidths[live] = inverseWidths[i];
                ends[live] = ends[i];
                narrowest = Math.Min(narrowest, 1 / inverseWidths[i]);
                live++;
            }

            kept = live;
            var end = Math.Min(Cutoff, z + (PanelWidth * narrowest));
            var half = 0.5 * (end - z);
            var mid = 0.5 * (end + z);
            var panel = 0.0;
            for (var q = 0; q < nodes.Length; q++)
            {
                var x = mid + (half * nodes[q]);
                var product = weights[q] * Math.Exp(-0.5 * x * x);
                for (var i = 0; i < kept; i++)
                {
                    var u = (x - centres[i]) * inverseWidths[i];
                    if (u < Cutoff) { product *= TabulatedNormalCdf(u); }
                }

                panel += product;
            }

            p += half * panel;
            z = end;
        }

        // The chosen action was drawn, so its probability is positive; a tiny one can round to 0.
        return Math.Clamp(p * InverseSqrt2Pi, double.Epsilon, 1);
    }

    /// <summary>Φ(x), the standard normal CDF, by Hart's double-precision rational approximation (algorithm 5666, as
    /// published by West, "Better approximations to cumulative normal functions", 2005) and a continued fraction beyond
    /// |x| ≥ 7.07: absolute error below 3e-16 everywhere, relative error below 1e-13 for x ≥ −3 and 1e-8 in the far
    /// lower tail (checked against SciPy's ndtr in the tests); one exponential per call.</summary>
    internal static double NormalCdf(double x)
    {
        var z = Math.Abs(x);
        double tail;
        if (z > 38) { tail = 0; } // Φ(−38) ≈ 3e-316, at the end of the subnormals
        else
        {
            var e = Math.Exp(-0.5 * z * z);
            if (z < 7.07106781186547)
            {
                var n = (0.0352624965998911 * z) + 0.700383064443688;
                n = (n * z) + 6.37396220353165;
                n = (n * z) + 33.912866078383;
                n = (n * z) + 112.079291497871;
                n = (n * z) + 221.213596169931;
                n = (n * z) + 220.206867912376;
                var d = (0.0883883476483184 * z) + 1.75566716318264;
                d = (d * z) + 16.064177579207;
                d = (d * z) + 86.7807322029461;
                d = (d * z) + 296.564248779674;
                d = (d * z) + 637.333633378831;
                d = (d * z) + 793.826512519948;
                d = (d * z) + 440.413735824752;
                tail = e * n / d;
            }
            else
            {
                var c = z + 0.65;
                c = z + (4 / c);
                c = z + (3 / c);
                c = z + (2 / c);
                c = z + (1 / c);
                tail = e / c / 2.506628274631;
            }
        }

        return x > 0 ? 1 - tail : tail;
    }

    /// <summary>Φ(u) for u in [−<see cref="Cutoff"/>, <see cref="Cutoff"/>] (= ±7.5) (the only arguments the propensity's quadrature
    /// needs) without an exponential or a division: the degree-12 Taylor polynomial of Φ about the nearest point x₀ of a table
    /// with spacing 1/8, Φ(x₀ + d) = Φ(x₀) + φ(x₀)·Σ_{n=1..12} (−1)^{n−1} He_{n−1}(x₀)·dⁿ/n! (Marsaglia, "Evaluating the
    /// normal distribution", 2004), |d| ≤ 1/16, with the coefficients tabulated so that one call is a Horner evaluation. The
    /// error is below 2e-16 absolute and 3e-15 relative to Φ over the range (against mpmath at 10,001 points, decisions.md);
    /// the tests check it against SciPy's ndtr. The table's Φ(x₀) come from MathNet's erfc. Arguments outside the range are clamped to its ends.</summary>
    internal static double TabulatedNormalCdf(double u)
    {
        u = Math.Clamp(u, -Cutoff, Cutoff);
        var i = (int)(((u + Cutoff) * TableStepsPerUnit) + 0.5);
        var d = u - ((i * (1.0 / TableStepsPerUnit)) - Cutoff);
        ref var c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(TaylorTable), i * TableTerms);

        // Estrin's scheme (four multiply-adds deep instead of Horner's twelve): the calls of one node overlap.
        var d2 = d * d;
        var d4 = d2 * d2;
        var low = C(ref c, 0) + (C(ref c, 1) * d) + (d2 * (C(ref c, 2) + (C(ref c, 3) * d)))
            + (d4 * (C(ref c, 4) + (C(ref c, 5) * d) + (d2 * (C(ref c, 6) + (C(ref c, 7) * d)))));
        var high = C(ref c, 8) + (C(ref c, 9) * d) + (d2 * (C(ref c, 10) + (C(ref c, 11) * d))) + (d4 * C(ref c, 12));
        return low + (d4 * d4 * high);

        static double C(ref double row, int n) => Unsafe.Add(ref row, n);
    }

    private static double[] Tabulate()
    {
        var table = new double[TablePoints * TableTerms];
        Span<double> hermite = stackalloc double[TaylorDegree];
        for (var i = 0; i < TablePoints; i++)
        {
            var x0 = (i / (double)TableStepsPerUnit) - Cutoff;
            var density = Math.Exp(-0.5 * x0 * x0) * InverseSqrt2Pi;
            hermite[0] = 1;
            hermite[1] = x0;
            for (var n = 2; n < TaylorDegree; n++) { hermite[n] = (x0 * hermite[n - 1]) - ((n - 1) * hermite[n - 2]); }
            var row = table.AsSpan(i * TableTerms, TableTerms);
            row[0] = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-x0 / Math.Sqrt(2));
            var factorial = 1.0;
            for (var n = 1; n <= TaylorDegree; n++)
            {
                factorial *= n;
                row[n] = density * ((n & 1) == 1 ? 1 : -1) * hermite[n - 1] / factorial;
            }
        }

        return table;
    }

    private static void Spreads(ReadOnlySpan<double> widths, double scale, Span<double> spreads)
    {
        for (var b = 0; b < spreads.Length; b++) { spreads[b] = Math.Max(scale * widths[b], MinimumSpread); }
    }

    private static int ArgMax(ReadOnlySpan<double> means, ReadOnlySpan<double> widths, double width, ref Xoshiro256 random, out int ties)
    {
        var best = double.NegativeInfinity;
        var chosen = 0;
        ties = 0;
        for (var a = 0; a < means.Length; a++)
        {
            var score = Score(means, widths, width, a);
            if (score > best) { best = score; chosen = a; ties = 1; }
            else if (score == best)
            {
                ties++;
                if (random.NextInt(ties) == 0) { chosen = a; } // reservoir sampling: each tied action with probability 1/ties
            }
        }

        return chosen;
    }

    private static bool IsTied(ReadOnlySpan<double> means, ReadOnlySpan<double> widths, double width, int a, double best) => Score(means, widths, width, a) == best;

    private static double Score(ReadOnlySpan<double> means, ReadOnlySpan<double> widths, double width, int a) => widths.IsEmpty ? means[a] : means[a] + (width * widths[a]);

    private static void SplitTies(ReadOnlySpan<double> means, ReadOnlySpan<double> widths, double width, Span<double> destination, double mass)
    {
        var k = means.Length;
        var best = double.NegativeInfinity;
        for (var a = 0; a < k; a++) { best = Math.Max(best, Score(means, widths, width, a)); }
        var ties = 0;
        for (var a = 0; a < k; a++) { if (Score(means, widths, width, a) == best) { ties++; } }
        for (var a = 0; a < k; a++) { destination[a] = Score(means, widths, width, a) == best ? mass / ties : 0; }
    }

    /// <summary>Golub–Welsch: the nodes and weights of the Gauss–Legendre rule on [−1, 1] (weights sum to 2).</summary>
    private static (double[] Nodes, double[] Weights) LegendreRule(int n)
    {
        var jacobi = Matrix<double>.Build.Dense(n, n);
        for (var i = 1; i < n; i++) { jacobi[i, i - 1] = jacobi[i - 1, i] = i / Math.Sqrt((4.0 * i * i) - 1); }
        var evd = jacobi.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var nodes = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            nodes[i] = evd.EigenValues[i].Real;
            weights[i] = 2 * evd.EigenVectors[0, i] * evd.EigenVectors[0, i];
        }

        return (nodes, weights);
    }
}
