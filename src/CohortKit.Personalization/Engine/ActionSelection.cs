using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    public const int PanelNodes = 32; // a multiple of Vector256<double>.Count

    /// <summary>A panel's width in units of the narrowest rising factor's width (and at most this many standard deviations
    /// of the chosen action's draw).</summary>
    private const double PanelWidth = 8;

    /// <summary>Up to this many rising factors a panel is <see cref="PanelWidth"/> times the narrowest wide; with more, the
    /// product of n factors grows off the real axis about as the n-th power of one, and the panel narrows by √(9/n) (without
    /// it, 63 or more factors of equal width erred by more than 1e-12; decisions.md).</summary>
    private const int SmoothFactors = 9;

    /// <summary>Where φ and the factors' tails are cut: Φ(−7.5) ≈ 3.2e-14.</summary>
    private const double Cutoff = 7.5;

    /// <summary>Where the Gauss–Legendre panels set a factor to 1: 1 − Φ(8.5) ≈ 9.5e-18, so that even 1,000 factors set to 1
    /// err by less than 1e-14 together (at <see cref="Cutoff"/>, 3.2e-14 each, 65 to 300 wide rivals erred by up to 6e-12).</summary>
    private const double FactorCutoff = 8.5;

    private static readonly double InverseSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

    /// <summary>Factors multiplied into a node's numerator and denominator between two divisions, counted over the factors
    /// actually multiplied (each denominator is between 440 and 2e6 on the range, so eight cannot overflow).</summary>
    private const int FactorsPerDivision = 8;

    // Hart 5666's rational tail Φ(−z) = exp(−z²/2)·P(z)/Q(z): P = P6·z⁶ + … + P0, Q = Q7·z⁷ + … + Q0.
    private const double P0 = 220.206867912376;
    private const double P1 = 221.213596169931;
    private const double P2 = 112.079291497871;
    private const double P3 = 33.912866078383;
    private const double P4 = 6.37396220353165;
    private const double P5 = 0.700383064443688;
    private const double P6 = 0.0352624965998911;
    private const double Q0 = 440.413735824752;
    private const double Q1 = 793.826512519948;
    private const double Q2 = 637.333633378831;
    private const double Q3 = 296.564248779674;
    private const double Q4 = 86.7807322029461;
    private const double Q5 = 16.064177579207;
    private const double Q6 = 1.75566716318264;
    private const double Q7 = 0.0883883476483184;

    /// <summary>h²·S of the trapezoidal rule (<see cref="TryTrapezoid"/>): its error is about exp(−2π²/(h²S)) ≈ 7e-18.</summary>
    private const double TrapezoidStepConstant = 0.5;

    /// <summary>What the trapezoidal rule's three truncations may cost together.</summary>
    private const double TrapezoidTolerance = 1e-15;

    /// <summary>The most nodes the trapezoidal rule may take; beyond it (narrow or many factors) Gauss–Legendre panels,
    /// which put their nodes only where a narrow factor rises, are used.</summary>
    private const int TrapezoidMaxNodes = 160;

    /// <summary>The most factors the trapezoidal rule takes (its per-factor arrays are on the stack).</summary>
    private const int TrapezoidMaxFactors = 64;

    /// <summary>Newton steps towards the lower end; each one is a valid end, the last the tightest.</summary>
    private const int TrapezoidNewtonSteps = 4;

    /// <summary>Groups of four nodes between exact recomputations of a factor's exp(−u²/2) (rounding carried by
    /// multiplication grows with the square of the steps: 16 groups keep it below 2e-14 relative).</summary>
    private const int TrapezoidAnchorGroups = 16;

    /// <summary>Each of the trapezoidal rule's truncations may cost a quarter of <see cref="TrapezoidTolerance"/> (lower end,
    /// factors set to 1, upper end, and a margin); its logarithm.</summary>
    private static readonly double TrapezoidLogBudget = Math.Log(TrapezoidTolerance / 4);

    /// <summary>Where a single Chernoff term e^(−x²/2) falls below the budget.</summary>
    private static readonly double TrapezoidReach = Math.Sqrt(-2 * TrapezoidLogBudget);

    /// <summary>Per number of factors n (each may cost budget/n when set to 1): where 1 − Φ(u) ≤ e^(−u²/2)/2 alone is below
    /// it, and the bound on u² + z² where (1 − Φ(u))(1 − Φ(z)) ≤ e^(−(u² + z²)/2)/4 is.</summary>
    private static readonly (double Rise, double Joint)[] TrapezoidFactorEnds = [.. Enumerable.Range(0, TrapezoidMaxFactors + 1).Select(n =>
    {
        var perFactor = TrapezoidTolerance / 4 / Math.Max(n, 1);
        return (Math.Sqrt(2 * Math.Log(1 / (2 * perFactor))), 2 * Math.Log(1 / (4 * perFactor)));
    })];

    /// <summary>The centre of the factors that pad the trapezoidal rule's vectors: far left of any lower end.</summary>
    private const double TrapezoidPaddingCentre = -1e100;

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
                    var draw = means[a] + (options.ThompsonScale * widths[a] * NormalZiggurat.Next(ref random));
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
    /// factor is under Φ(−C) ≈ 3e-14) to C, a factor is dropped once z passes t_b + <see cref="FactorCutoff"/>·w_b (it is then 1 within 1e-17), and
    /// the rest is integrated by composite <see cref="PanelNodes"/>-point Gauss–Legendre panels no wider than
    /// <see cref="PanelWidth"/> times the narrowest width still rising (a sharp factor is resolved where it rises, and
    /// only there), times √(9/n) when n > <see cref="SmoothFactors"/> factors still rise. The nodes are evaluated four at a time in 256-bit lanes: each factor's Φ as the quotient of
    /// <see cref="NormalCdfRatio(Vector256{double}, out Vector256{double}, out Vector256{double})"/>, numerators and denominators multiplied separately and divided once per
    /// <see cref="FactorsPerDivision"/> factors (decisions.md). Against SciPy's adaptive quadrature the error is below 1e-12 absolute (and 1e-9 relative above 1e-4) for
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
        // Room for the trapezoidal rule's padding to whole vectors (the Gauss–Legendre panels use the first k − 1).
        var room = k + Vector256<double>.Count;
        Span<double> centres = k <= 64 ? stackalloc double[room] : new double[room];
        Span<double> inverseWidths = k <= 64 ? stackalloc double[room] : new double[room];
        var active = 0;
        var inverseSa = 1 / sa;
        for (var b = 0; b < k; b++)
        {
            if (b == a) { continue; }
            centres[active] = (means[b] - ma) * inverseSa;
            inverseWidths[active] = sa / spreads[b];
            active++;
        }

        if (TryTrapezoid(centres, inverseWidths, active, out var trapezoid)) { return trapezoid; }

        Span<double> ends = k <= 64 ? stackalloc double[k] : new double[k];
        var lo = -Cutoff;
        for (var b = 0; b < active; b++)
        {
            var w = 1 / inverseWidths[b];
            lo = Math.Max(lo, centres[b] - (Cutoff * w));
            ends[b] = centres[b] + (FactorCutoff * w);
        }

        if (!(lo < Cutoff)) { return double.Epsilon; } // some factor is below Φ(−C) wherever φ is not negligible

        // Keep only the factors that still rise somewhere in [lo, C].
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
            // At least one ulp: a factor narrower than z's ulp would otherwise never let z advance (an endless loop).
            var end = Math.Min(Cutoff, Math.Max(Math.BitIncrement(z), z + (PanelWidth * narrowest * Math.Min(1, Math.Sqrt(SmoothFactors / (double)Math.Max(live, 1))))));
            var half = 0.5 * (end - z);
            var mid = 0.5 * (end + z);
            var panel = 0.0;
            for (var q = 0; q < PanelNodes; q += Vector256<double>.Count)
            {
                var x = Vector256.Create(mid) + (Vector256.Create(half) * Vector256.LoadUnsafe(ref nodes[0], (nuint)q));
                var numerator = Vector256.LoadUnsafe(ref weights[0], (nuint)q) * VectorExp.Exp(Vector256.Create(-0.5) * x * x);
                var denominator = Vector256<double>.One;
                var first = x.GetElement(0); // the nodes ascend: a factor that has reached 1 at the group's first node is 1 at all four
                var multiplied = 0;
                for (var i = 0; i < kept; i++)
                {
                    if (ends[i] <= first) { continue; }
                    var u = (x - Vector256.Create(centres[i])) * Vector256.Create(inverseWidths[i]);
                    NormalCdfRatio(u, out var n, out var d);
                    var rising = Vector256.LessThan(u, Vector256.Create(FactorCutoff));
                    numerator *= Vector256.ConditionalSelect(rising, n, Vector256<double>.One);
                    denominator *= Vector256.ConditionalSelect(rising, d, Vector256<double>.One);
                    if (++multiplied == FactorsPerDivision) // counted, not by index: skipped factors must not delay the division
                    {
                        numerator /= denominator;
                        denominator = Vector256<double>.One;
                        multiplied = 0;
                    }
                }

                panel += Vector256.Sum(numerator / denominator);
            }

            p += half * panel;
            z = end;
        }

        // The chosen action was drawn, so its probability is positive; a tiny one can round to 0.
        return Math.Clamp(p * InverseSqrt2Pi, double.Epsilon, 1);
    }

    /// <summary>P = ∫ φ(z) Π_b Φ((z − t_b)/w_b) dz by the trapezoidal rule on the whole line, when that needs at most
    /// <see cref="TrapezoidMaxNodes"/> nodes; false otherwise (the caller then integrates by Gauss–Legendre panels).</summary>
    /// <remarks>
    /// <para>The integrand is entire and decays at both ends, so the trapezoidal rule with step h converges geometrically:
    /// on the strip |Im z| ≤ y it grows at most as exp(S·y²/2) with S = 1 + Σ 1/w_b², and the error is about
    /// exp(−2π²/(S·h²)); h = √(<see cref="TrapezoidStepConstant"/>/S) makes that e^−39 ≈ 1e-17 (the error measured against
    /// SciPy grows above 1e-13 only from h²S ≈ 0.7).</para>
    /// <para>Three truncations, each bounded with the Chernoff bounds Φ(x) ≤ e^(−x²/2) and 1 − Φ(x) ≤ e^(−x²/2)/2
    /// (x ≤ 0 and x ≥ 0) to <see cref="TrapezoidTolerance"/> in all: below lo the integral is at most Φ(lo)·Π Φ(u_b(lo))
    /// (every factor rises), and lo is the largest point where that bound's logarithm L (concave, increasing) is at most log ε,
    /// found by Newton steps from the left, each of which stays left of the root; factor b is set to 1 from e_b on, which
    /// errs by at most (1 − Φ(u_b(e_b)))·(1 − Φ(e_b)), solved for e_b in closed form; and the nodes end where φ's tail is
    /// below the tolerance.</para>
    /// <para>On the equally spaced nodes each factor's exp(−u²/2) is carried from one group of four nodes to the next by two
    /// multiplications (u grows by δ = h/w_b per node: e ← e·r, r ← r·exp(−16δ²)) and recomputed exactly every
    /// <see cref="TrapezoidAnchorGroups"/> groups; with |u| below about 9.5 on the nodes where a factor is kept, neither
    /// overflows.</para>
    /// </remarks>
    private static bool TryTrapezoid(Span<double> centres, Span<double> inverseWidths, int n, out double probability)
    {
        probability = 0;
        if (n > TrapezoidMaxFactors) { return false; }
        var logLower = TrapezoidLogBudget;
        var reach = TrapezoidReach;
        var (riseEnd, jointEnd) = TrapezoidFactorEnds[n];

        // The factors four to a vector; padding factors are centred far left (u ≥ 0 everywhere, so they add nothing to the
        // lower end's bound, and their end is before lo, so they are never multiplied).
        var vectors = (n + Vector256<double>.Count - 1) / Vector256<double>.Count;
        var padded = vectors * Vector256<double>.Count;
        centres[n..padded].Fill(TrapezoidPaddingCentre);
        inverseWidths[n..padded].Fill(1);
        var t = MemoryMarshal.Cast<double, Vector256<double>>(centres[..padded]);
        var iw = MemoryMarshal.Cast<double, Vector256<double>>(inverseWidths[..padded]);
        Span<Vector256<double>> ends = stackalloc Vector256<double>[vectors];

        // Lower end: start at the largest single-term root (a valid bound), then Newton steps on L(z) = log ε (branch-free:
        // a factor adds −u²/2 to L and −u/w to its slope while u < 0).
        var start = Vector256.Create(-reach);
        for (var v = 0; v < vectors; v++) { start = Vector256.Max(start, t[v] - (Vector256.Create(reach) / iw[v])); }
        var lo = Max(start);
        for (var iteration = 0; iteration < TrapezoidNewtonSteps; iteration++)
        {
            var at = Vector256.Create(lo);
            var squares = Vector256<double>.Zero;
            var slopes = Vector256<double>.Zero;
            for (var v = 0; v < vectors; v++)
            {
                var u = Vector256.Min((at - t[v]) * iw[v], Vector256<double>.Zero);
                squares = Vector256.FusedMultiplyAdd(u, u, squares);
                slopes = Vector256.FusedMultiplyAdd(u, iw[v], slopes);
            }

            var below = Math.Min(lo, 0);
            var value = -0.5 * ((below * below) + Vector256.Sum(squares));
            var slope = -below - Vector256.Sum(slopes);
            // Every iterate is a valid lower end (L(lo) ≤ log ε) in exact arithmetic. A factor narrower than an ulp of its
            // centre rounds its start t − reach·w to t itself, where L = 0: the bound is lost, the factor would be dropped as
            // "already 1" and nodes just below lo counted it as 1 (0.36 for 1 − Φ(1) = 0.16). Such a step is left to the
            // Gauss–Legendre panels, which start at lo.
            if (value > logLower + Math.Log(2)) { return false; }
            if (!(slope > 0) || value >= logLower) { break; }
            lo += (logLower - value) / slope;
        }

        if (!(lo < reach)) // below lo and above reach the integral is within the budget: nothing is left
        {
            probability = double.Epsilon;
            return true;
        }

        // Where each factor is set to 1: where 1 − Φ(u) alone is below the budget, or earlier, where
        // (1 − Φ(u))(1 − Φ(z)) ≤ e^(−(u² + z²)/2)/4 (u, z ≥ 0) is: the larger root of u² + z² = jointEnd. And S for the step.
        var sums = Vector256<double>.Zero;
        var lower = Vector256.Create(lo);
        for (var v = 0; v < vectors; v++)
        {
            var centre = t[v];
            var iw2 = iw[v] * iw[v];
            var end = centre + (Vector256.Create(riseEnd) / iw[v]);
            var qa = iw2 + Vector256<double>.One;
            var qb = Vector256.Create(-2.0) * centre * iw2;
            var qc = (centre * centre * iw2) - Vector256.Create(jointEnd);
            var discriminant = (qb * qb) - (Vector256.Create(4.0) * qa * qc);
            var root = (Vector256.Sqrt(Vector256.Max(discriminant, Vector256<double>.Zero)) - qb) / (qa + qa);
            var valid = Vector256.GreaterThanOrEqual(discriminant, Vector256<double>.Zero) & Vector256.GreaterThanOrEqual(root, Vector256<double>.Zero)
                & Vector256.GreaterThanOrEqual(root, centre);
            end = Vector256.ConditionalSelect(valid, Vector256.Min(end, root), end);
            ends[v] = end;
            sums += Vector256.ConditionalSelect(Vector256.GreaterThan(end, lower), iw2, Vector256<double>.Zero);
        }

        var spreadSum = 1 + Vector256.Sum(sums);
        var endAt = MemoryMarshal.Cast<Vector256<double>, double>(ends);
        var h = Math.Sqrt(TrapezoidStepConstant / spreadSum);
        var first = Math.Floor(lo / h);
        // Compared as a double before the cast: a rival ~1e-8 as wide as the chosen action makes the count exceed int's
        // range, the cast saturate and groups·4 wrap negative, and the stackalloc below then overflowed the stack.
        var groupCount = Math.Ceiling((Math.Ceiling(reach / h) - first + 1) / Vector256<double>.Count);
        if (!(groupCount * Vector256<double>.Count <= TrapezoidMaxNodes)) { return false; }
        var groups = (int)groupCount;

        var z0 = first * h;
        var offsets = Vector256.Create(0.0, 1, 2, 3);
        Span<Vector256<double>> numerators = stackalloc Vector256<double>[groups];
        Span<Vector256<double>> denominators = stackalloc Vector256<double>[groups];
        GaussianRun(z0, h, numerators); // φ·√(2π) at every node
        denominators.Fill(Vector256<double>.One);

        var multiplied = 0;
        var touched = 0;
        for (var b = 0; b < n; b++)
        {
            if (endAt[b] <= lo) { continue; }
            var inverseWidth = inverseWidths[b];
            // The groups whose first node is before e_b.
            var used = Math.Min(groups, (int)Math.Ceiling((endAt[b] - z0) / (Vector256<double>.Count * h)));
            MultiplyFactor(numerators[..used], denominators[..used], (Vector256.Create(z0 - centres[b]) + (offsets * h)) * inverseWidth, h * inverseWidth);
            touched = Math.Max(touched, used);
            if (++multiplied == FactorsPerDivision)
            {
                for (var g = 0; g < touched; g++) { numerators[g] /= denominators[g]; denominators[g] = Vector256<double>.One; }
                multiplied = 0;
                touched = 0;
            }
        }

        var sum = Vector256<double>.Zero;
        for (var g = 0; g < groups; g++) { sum += numerators[g] / denominators[g]; }
        probability = Math.Clamp(h * Vector256.Sum(sum) * InverseSqrt2Pi, double.Epsilon, 1);
        return true;
    }

    /// <summary>The start of a run of exp(−u²/2) over nodes u₀, u₀ + δ, u₀ + 2δ, …, four to a group: the first group's
    /// values, each lane's ratio to its value one group later, and that ratio's own ratio from group to group, all from one
    /// vector exponential of (−u₀²/2, −δu₀, −δ²/2, −16δ²) = ln(E, A, B, C): lane j is E·A^j·B^(j²), its ratio
    /// exp(−4δu_j − 8δ²) = A⁴·B^(16 + 8j), and the ratio's ratio C = exp(−16δ²). The lanes' powers take at most six
    /// multiplications (a few ulp).</summary>
    /// <param name="u0">The first node's argument (|u₀| below about 10 where it is used, so nothing overflows).</param>
    /// <param name="delta">The step from one node to the next (at most about 0.71).</param>
    private static (Vector256<double> Values, Vector256<double> Ratios, Vector256<double> Growth) Anchor(double u0, double delta)
    {
        var logs = Vector256.Create(-0.5 * u0 * u0, -delta * u0, -0.5 * delta * delta, -16 * delta * delta);
        var exps = VectorExp.Exp(logs);
        var e = exps.GetElement(0);
        var a = exps.GetElement(1);
        var b = exps.GetElement(2);
        var b2 = b * b;
        var b4 = b2 * b2;
        var b8 = b4 * b4;
        var b16 = b8 * b8;
        var a2 = a * a;
        var first = a2 * a2 * b16;
        var values = Vector256.Create(e, e * a * b, e * a2 * b4, e * a2 * a * b8 * b);
        var ratios = Vector256.Create(first, first * b8, first * b16, first * b16 * b8);
        return (values, ratios, Vector256.Create(exps.GetElement(3)));
    }

    /// <summary>Multiplies one factor Φ(u) into every group's numerator and denominator (<see cref="HartRatio"/>), with
    /// exp(−u²/2) carried from group to group by multiplication and recomputed every <see cref="TrapezoidAnchorGroups"/>.</summary>
    /// <param name="numerators">Per group of four nodes, the running numerator.</param>
    /// <param name="denominators">Per group, the running denominator.</param>
    /// <param name="u">The factor's argument at the first group's four nodes.</param>
    /// <param name="delta">The argument's step from one node to the next.</param>
    private static void MultiplyFactor(Span<Vector256<double>> numerators, Span<Vector256<double>> denominators, Vector256<double> u, double delta)
    {
        ref var numerator = ref MemoryMarshal.GetReference(numerators);
        ref var denominator = ref MemoryMarshal.GetReference(denominators);
        var count = Math.Min(numerators.Length, denominators.Length);
        var step = Vector256.Create(Vector256<double>.Count * delta);
        for (var start = 0; start < count; start += TrapezoidAnchorGroups)
        {
            var (e, ratio, growth) = Anchor(u.GetElement(0), delta);
            var end = Math.Min(count, start + TrapezoidAnchorGroups);
            for (var g = start; g < end; g++)
            {
                var (n, d) = HartRatio(u, e);
                Unsafe.Add(ref numerator, g) *= n;
                Unsafe.Add(ref denominator, g) *= d;
                e *= ratio;
                ratio *= growth;
                u += step;
            }
        }
    }

    private static double Max(Vector256<double> v)
    {
        var pair = Vector128.Max(v.GetLower(), v.GetUpper());
        return Math.Max(pair.GetElement(0), pair.GetElement(1));
    }

    /// <summary>exp(−z²/2) at the equally spaced nodes starting at <paramref name="start"/> (four per group, step
    /// <paramref name="h"/>), carried by multiplication and recomputed every <see cref="TrapezoidAnchorGroups"/> groups.</summary>
    private static void GaussianRun(double start, double h, Span<Vector256<double>> destination)
    {
        var e = Vector256<double>.Zero;
        var ratio = Vector256<double>.Zero;
        var growth = Vector256<double>.Zero;
        for (var g = 0; g < destination.Length; g++)
        {
            if (g % TrapezoidAnchorGroups == 0) { (e, ratio, growth) = Anchor(start + (g * Vector256<double>.Count * h), h); }

            destination[g] = e;
            e *= ratio;
            ratio *= growth;
        }
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
                var n = (P6 * z) + P5;
                n = (n * z) + P4;
                n = (n * z) + P3;
                n = (n * z) + P2;
                n = (n * z) + P1;
                n = (n * z) + P0;
                var d = (Q7 * z) + Q6;
                d = (d * z) + Q5;
                d = (d * z) + Q4;
                d = (d * z) + Q3;
                d = (d * z) + Q2;
                d = (d * z) + Q1;
                d = (d * z) + Q0;
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

    /// <summary>Φ(u) = numerator / denominator in four lanes for |u| ≤ <see cref="Cutoff"/>, by the rational part of
    /// <see cref="NormalCdf"/> (Hart 5666): with z = |u|, e = exp(−z²/2), the tail is e·P(z)/Q(z), so Φ = e·P/Q below 0 and
    /// (Q − e·P)/Q above. The quadrature multiplies numerators and denominators separately and divides once per
    /// <see cref="FactorsPerDivision"/> factors. Absolute error of the quotient below 2e-16 on [−7.5, 7.5] (against mpmath;
    /// the tests check it against SciPy's ndtr); the continued fraction of <see cref="NormalCdf"/> is not needed there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void NormalCdfRatio(Vector256<double> u, out Vector256<double> numerator, out Vector256<double> denominator) =>
        (numerator, denominator) = HartRatio(u, VectorExp.Exp(Vector256.Create(-0.5) * u * u));

    /// <summary>Φ(u) = numerator/denominator by Hart 5666 given e = exp(−u²/2): with z = |u|, the tail is e·P(z)/Q(z), so
    /// Φ = e·P/Q below 0 and (Q − e·P)/Q above; P and Q in Estrin's form (three levels of fused multiply-adds instead of
    /// Horner's chains of six and seven). The one implementation behind both quadratures.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Numerator, Vector256<double> Denominator) HartRatio(Vector256<double> u, Vector256<double> e)
    {
        var x = Vector256.Abs(u);
        var x2 = x * x;
        var x4 = x2 * x2;
        var p01 = Vector256.FusedMultiplyAdd(Vector256.Create(P1), x, Vector256.Create(P0));
        var p23 = Vector256.FusedMultiplyAdd(Vector256.Create(P3), x, Vector256.Create(P2));
        var p45 = Vector256.FusedMultiplyAdd(Vector256.Create(P5), x, Vector256.Create(P4));
        var q01 = Vector256.FusedMultiplyAdd(Vector256.Create(Q1), x, Vector256.Create(Q0));
        var q23 = Vector256.FusedMultiplyAdd(Vector256.Create(Q3), x, Vector256.Create(Q2));
        var q45 = Vector256.FusedMultiplyAdd(Vector256.Create(Q5), x, Vector256.Create(Q4));
        var q67 = Vector256.FusedMultiplyAdd(Vector256.Create(Q7), x, Vector256.Create(Q6));
        var p = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(P6), x2, p45), x4, Vector256.FusedMultiplyAdd(p23, x2, p01));
        var q = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(q67, x2, q45), x4, Vector256.FusedMultiplyAdd(q23, x2, q01));
        var tail = e * p;
        return (Vector256.ConditionalSelect(Vector256.GreaterThan(u, Vector256<double>.Zero), q - tail, tail), q);
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

        Array.Sort(nodes, weights); // ascending, which the quadrature's skip of finished factors relies on
        return (nodes, weights);
    }
}
