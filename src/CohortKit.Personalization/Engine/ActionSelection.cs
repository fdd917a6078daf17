using CohortKit.Randomness;
using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Personalization.Engine;

/// <summary>The one implementation of each policy's choice and of its action probabilities, from every action's predicted
/// reward (mean) and width √(φᵀA⁻¹φ). The engine uses <see cref="Choose"/> (the propensity of the chosen action); off-policy
/// evaluation uses <see cref="Probabilities"/> (the whole distribution).</summary>
/// <remarks>Thompson sampling's probability that an action's draw is the largest,
/// <c>P(a) = ∫ φ(z) Π_{b≠a} Φ((m_a + s_a z − m_b) / s_b) dz</c> with <c>s = v·width</c>, is computed by Gauss–Hermite quadrature
/// (<see cref="QuadratureNodes"/> nodes), not by sampling.</remarks>
internal static class ActionSelection
{
    /// <summary>The number of probabilists' Gauss–Hermite nodes of the Thompson propensity.</summary>
    public const int QuadratureNodes = 48;

    /// <summary>The smallest width used for a Thompson draw, so that a degenerate (zero) width cannot divide by zero.</summary>
    private const double MinimumSpread = 1e-12;

    private static readonly (double[] Nodes, double[] Weights) Hermite = HermiteRule(QuadratureNodes);

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
                var total = 0.0;
                for (var a = 0; a < k; a++) { total += destination[a] = ThompsonProbability(means, widths, options.ThompsonScale, a); }
                for (var a = 0; a < k; a++) { destination[a] /= total; }
                return;
        }
    }

    /// <summary>P(action <paramref name="a"/>'s draw is the largest) under independent normal draws.</summary>
    public static double ThompsonProbability(ReadOnlySpan<double> means, ReadOnlySpan<double> widths, double scale, int a)
    {
        var k = means.Length;
        if (k == 1) { return 1; }
        var sa = Math.Max(scale * widths[a], MinimumSpread);
        var (nodes, weights) = Hermite;
        var p = 0.0;
        for (var q = 0; q < nodes.Length; q++)
        {
            var value = means[a] + (sa * nodes[q]);
            var product = weights[q];
            for (var b = 0; b < k && product > 0; b++)
            {
                if (b == a) { continue; }
                product *= NormalCdf((value - means[b]) / Math.Max(scale * widths[b], MinimumSpread));
            }

            p += product;
        }

        // The chosen action was drawn, so its probability is positive; quadrature can round a tiny one to 0.
        return Math.Clamp(p, double.Epsilon, 1);
    }

    /// <summary>Φ(x) through the complementary error function of Numerical Recipes (erfcc, fractional error below 1.2e-7),
    /// cheap enough for the per-decision quadrature.</summary>
    internal static double NormalCdf(double x)
    {
        var z = Math.Abs(x) / Math.Sqrt(2);
        var t = 1 / (1 + (0.5 * z));
        var poly = 0.17087277;
        poly = (poly * t) - 0.82215223;
        poly = (poly * t) + 1.48851587;
        poly = (poly * t) - 1.13520398;
        poly = (poly * t) + 0.27886807;
        poly = (poly * t) - 0.18628806;
        poly = (poly * t) + 0.09678418;
        poly = (poly * t) + 0.37409196;
        poly = (poly * t) + 1.00002368;
        poly = (poly * t) - 1.26551223;
        var erfc = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? 1 - (0.5 * erfc) : 0.5 * erfc;
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

    /// <summary>Golub–Welsch: the nodes and weights of the probabilists' Gauss–Hermite rule (weights sum to 1, so
    /// <c>Σ w f(x)</c> approximates E f(Z) for a standard normal Z).</summary>
    private static (double[] Nodes, double[] Weights) HermiteRule(int n)
    {
        var jacobi = Matrix<double>.Build.Dense(n, n);
        for (var i = 1; i < n; i++) { jacobi[i, i - 1] = jacobi[i - 1, i] = Math.Sqrt(i); }
        var evd = jacobi.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var nodes = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            nodes[i] = evd.EigenValues[i].Real;
            weights[i] = evd.EigenVectors[0, i] * evd.EigenVectors[0, i];
        }

        return (nodes, weights);
    }
}
