using CohortKit.Experiments.Distributions;

namespace CohortKit.Experiments.Power;

/// <summary>
/// Power, required sample size and minimum detectable effect for two-sided two-sample tests, matching statsmodels:
/// <c>TTestIndPower</c> (noncentral t, effect in Cohen's d) and <c>NormalIndPower</c> (normal, effect in Cohen's h for
/// proportions). <c>ratio</c> is treatment units per control unit; sample sizes are for the control arm.
/// </summary>
public static class PowerAnalysis
{
    /// <summary>Power of the two-sided Welch/Student t-test for a standardised effect d.</summary>
    /// <param name="effectSize">Cohen's d (difference / standard deviation).</param>
    /// <param name="controlN">Control units (&gt; 1).</param>
    /// <param name="alpha">Significance level in (0, 1).</param>
    /// <param name="ratio">Treatment units per control unit (&gt; 0).</param>
    /// <returns>The probability of rejecting at level alpha.</returns>
    public static double TTestPower(double effectSize, double controlN, double alpha = 0.05, double ratio = 1)
    {
        Guard.Alpha(alpha);
        CheckRatio(ratio);
        if (!double.IsFinite(effectSize))
        {
            throw new ArgumentOutOfRangeException(nameof(effectSize), effectSize, "The effect size must be finite.");
        }

        var treatmentN = controlN * ratio;
        var df = controlN + treatmentN - 2;
        if (!(df > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(controlN), controlN, "The two arms together need more than 2 units.");
        }

        // Beyond 1e8 degrees of freedom the t-test is the z-test to within 1/ν < 1e-8 (relative), closer than the incomplete
        // beta functions of MathNet get with such parameters (2.4e-6 off at ν = 2e9; no answer at all beyond ~1e26).
        if (df > 1e8)
        {
            return NormalPower(effectSize, controlN, alpha, ratio);
        }

        // The two-sided test is symmetric in the sign of the effect: take |d|, so that the larger tail is the upper one and
        // is summed directly (no 1 − CDF cancellation; statsmodels: nct.sf(crit) + nct.cdf(−crit)).
        var nc = Math.Abs(effectSize) * Math.Sqrt(1 / (1 / controlN + 1 / treatmentN));
        var crit = Probability.StudentTUpperQuantile(alpha / 2, df);
        var below = Probability.NoncentralTCdf(crit, df, nc);
        var farSide = Probability.NoncentralTCdf(-crit, df, nc);
        // Near power 1 the miss probability P(−crit ≤ T ≤ crit) is what carries the information: sum it directly, so that
        // 1 − power is right to its last digits (a miss of 2e-6 reads as such, not as 1 − a sum of a thousand terms near 1).
        return below < 0.5
            ? Math.Clamp(1 - (below - farSide), 0, 1)
            : Math.Min(1, Probability.NoncentralTSurvival(crit, df, nc) + farSide);
    }

    /// <summary>Power of the two-sided z-test for a standardised effect (Cohen's h for proportions).</summary>
    /// <param name="effectSize">The standardised effect.</param>
    /// <param name="controlN">Control units (&gt; 0).</param>
    /// <param name="alpha">Significance level.</param>
    /// <param name="ratio">Treatment units per control unit.</param>
    /// <returns>The probability of rejecting.</returns>
    public static double NormalPower(double effectSize, double controlN, double alpha = 0.05, double ratio = 1)
    {
        Guard.Alpha(alpha);
        CheckRatio(ratio);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(controlN);
        var shift = effectSize * Math.Sqrt(1 / (1 / controlN + 1 / (controlN * ratio)));
        var crit = Probability.NormalUpperQuantile(alpha / 2);
        return Probability.NormalSurvival(crit - shift) + Probability.NormalCdf(-crit - shift);
    }

    /// <summary>Control-arm units the t-test needs to reach the given power (statsmodels <c>TTestIndPower.solve_power</c>).</summary>
    /// <param name="effectSize">Cohen's d (non-zero).</param>
    /// <param name="alpha">Significance level.</param>
    /// <param name="power">Target power in (alpha, 1).</param>
    /// <param name="ratio">Treatment units per control unit.</param>
    /// <returns>The (fractional) control-arm size; round up to plan. Never below the smallest design the t-test exists on,
    /// max(1, 1/ratio, 3/(1 + ratio)): each arm at least one unit and at least one degree of freedom (three units in all).
    /// When the power there already reaches the target, that floor is returned (statsmodels has no floor and does not
    /// converge for such effects).</returns>
    public static double TTestSampleSize(double effectSize, double alpha = 0.05, double power = 0.8, double ratio = 1)
    {
        CheckPowerTarget(effectSize, alpha, power);
        CheckRatio(ratio);
        // n ≥ 1 and ratio·n ≥ 1 (a unit in each arm), n(1 + ratio) − 2 ≥ 1 (one degree of freedom).
        var minimum = Math.Max(Math.Max(1, 1 / ratio), 3 / (1 + ratio));
        return SolveIncreasing(n => TTestPower(effectSize, n, alpha, ratio), power, minimum, 1e12, minimum,
            nameof(effectSize), effectSize, $"The effect size {effectSize} needs more than 1e12 control units to reach power {power}.");
    }

    /// <summary>Control-arm units the z-test needs for a standardised effect (Cohen's h for proportions).</summary>
    /// <param name="effectSize">The standardised effect (non-zero).</param>
    /// <param name="alpha">Significance level.</param>
    /// <param name="power">Target power.</param>
    /// <param name="ratio">Treatment units per control unit.</param>
    /// <returns>The (fractional) control-arm size.</returns>
    public static double NormalSampleSize(double effectSize, double alpha = 0.05, double power = 0.8, double ratio = 1)
    {
        CheckPowerTarget(effectSize, alpha, power);
        CheckRatio(ratio);
        return SolveIncreasing(n => NormalPower(effectSize, n, alpha, ratio), power, 1e-6, 1e15, 1e-6,
            nameof(effectSize), effectSize, $"The effect size {effectSize} needs more than 1e15 control units to reach power {power}.");
    }

    /// <summary>The smallest standardised effect (Cohen's d) the t-test detects with the given power.</summary>
    /// <param name="controlN">Control units.</param>
    /// <param name="alpha">Significance level.</param>
    /// <param name="power">Target power.</param>
    /// <param name="ratio">Treatment units per control unit.</param>
    /// <returns>The minimum detectable d (positive).</returns>
    public static double TTestMinimumDetectableEffect(double controlN, double alpha = 0.05, double power = 0.8, double ratio = 1)
    {
        Guard.Alpha(alpha);
        CheckPower(power, alpha);
        return SolveIncreasing(d => TTestPower(d, controlN, alpha, ratio), power, 1e-300, 100, NormalGuess(controlN, alpha, power, ratio),
            nameof(controlN), controlN, $"With {controlN} control units and ratio {ratio}, no effect up to 100 standard deviations reaches power {power}.");
    }

    /// <summary>The smallest difference in means the two-sample t-test detects with the given power, in the metric's units:
    /// the minimum detectable Cohen's d (<see cref="TTestMinimumDetectableEffect"/>) times the baseline standard deviation σ,
    /// both arms assumed to share σ (as statsmodels <c>TTestIndPower</c>). It is the same size for an increase and a decrease.</summary>
    /// <param name="baselineSd">The metric's standard deviation σ (&gt; 0, finite).</param>
    /// <param name="controlN">Control units.</param>
    /// <param name="alpha">Significance level in (0, 1).</param>
    /// <param name="power">Target power in (alpha, 1).</param>
    /// <param name="ratio">Treatment units per control unit.</param>
    /// <returns>The minimum detectable |μ_T − μ_C| (positive).</returns>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive and finite, or another argument is out of range
    /// (as <see cref="TTestMinimumDetectableEffect"/>).</exception>
    /// <remarks>Thread-safe.</remarks>
    public static double MeanMinimumDetectableDifference(double baselineSd, double controlN, double alpha = 0.05, double power = 0.8, double ratio = 1)
    {
        if (!(baselineSd > 0 && double.IsFinite(baselineSd)))
        {
            throw new ArgumentOutOfRangeException(nameof(baselineSd), baselineSd, "baselineSd must be positive and finite.");
        }

        return TTestMinimumDetectableEffect(controlN, alpha, power, ratio) * baselineSd;
    }

    /// <summary>The smallest standardised effect the z-test detects with the given power (closed form).</summary>
    /// <param name="controlN">Control units.</param>
    /// <param name="alpha">Significance level.</param>
    /// <param name="power">Target power.</param>
    /// <param name="ratio">Treatment units per control unit.</param>
    /// <returns>The minimum detectable standardised effect.</returns>
    public static double NormalMinimumDetectableEffect(double controlN, double alpha = 0.05, double power = 0.8, double ratio = 1)
    {
        Guard.Alpha(alpha);
        CheckPower(power, alpha);
        return SolveIncreasing(d => NormalPower(d, controlN, alpha, ratio), power, 1e-300, 100, NormalGuess(controlN, alpha, power, ratio),
            nameof(controlN), controlN, $"With {controlN} control units and ratio {ratio}, no standardised effect up to 100 reaches power {power}.");
    }

    /// <summary>Cohen's h between two proportions: 2·asin(√target) − 2·asin(√baseline).</summary>
    /// <param name="baseline">The control rate in (0, 1).</param>
    /// <param name="target">The treatment rate in (0, 1).</param>
    /// <returns>h.</returns>
    public static double CohensH(double baseline, double target)
    {
        Guard.Probability(baseline, nameof(baseline));
        Guard.Probability(target, nameof(target));
        return 2 * Math.Asin(Math.Sqrt(target)) - 2 * Math.Asin(Math.Sqrt(baseline));
    }

    /// <summary>The smallest increase and decrease of a rate that the two-sided z-test detects with the given power, through
    /// Cohen's h as statsmodels <c>NormalIndPower</c>: h is solved for the sample size, then the target rates are
    /// sin²(asin √p ± h/2). Near 0 or 1 one direction can be out of reach: asin √p + h/2 beyond π/2 means that no
    /// increase reaches the power (the increase is <see langword="null"/>), asin √p − h/2 below 0 the same for a decrease.</summary>
    /// <param name="baselineRate">The control rate p in (0, 1).</param>
    /// <param name="controlN">Control units (&gt; 0).</param>
    /// <param name="alpha">Significance level in (0, 1).</param>
    /// <param name="power">Target power in (alpha, 1).</param>
    /// <param name="ratio">Treatment units per control unit (&gt; 0).</param>
    /// <returns>h and the detectable changes in rate units (both positive when present).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range or not finite.</exception>
    public static RateDetectableChange RateMinimumDetectableChange(double baselineRate, double controlN, double alpha = 0.05, double power = 0.8, double ratio = 1)
    {
        Guard.Probability(baselineRate, nameof(baselineRate));
        if (!(controlN > 0 && double.IsFinite(controlN)))
        {
            throw new ArgumentOutOfRangeException(nameof(controlN), controlN, "controlN must be positive and finite.");
        }

        CheckRatio(ratio);
        var h = NormalMinimumDetectableEffect(controlN, alpha, power, ratio);
        var angle = Math.Asin(Math.Sqrt(baselineRate));
        double? increase = angle + h / 2 > Math.PI / 2 ? null : Square(Math.Sin(angle + h / 2)) - baselineRate;
        double? decrease = angle - h / 2 < 0 ? null : baselineRate - Square(Math.Sin(angle - h / 2));
        return new RateDetectableChange { CohensH = h, Increase = increase, Decrease = decrease };

        static double Square(double x) => x * x;
    }

    private static double SolveIncreasing(Func<double, double> powerAt, double target, double low, double high, double guess, string parameter, double value, string unreachable)
    {
        // Power rises with n and |effect|. Solve ln(1 − target) = ln(1 − power): on that scale a target of 1 − 1e-10 is as far
        // from 1 − 2e-10 as 0.5 is from 0. The root is refined until the bracket is 1e-13 of its size: MathNet's Brent also
        // stops once |f| is below its tolerance, which for power − target near 1 ended the search at a bracket end (the effect
        // reaching power 1 − 1e-10 read 100 instead of 95.2).
        var missTarget = Math.Log(1 - target);
        double F(double x) => missTarget - Math.Log(Math.Max(1 - powerAt(x), double.Epsilon));

        // Bracket by doubling and halving from the guess (the normal approximation's answer, so that 1e-13 or 1e300 units
        // need a few steps), never below low or above high; then regula falsi (Illinois) with every fourth step a bisection.
        if (!(low <= high))
        {
            throw new ArgumentOutOfRangeException(parameter, value, unreachable); // e.g. the smallest design is beyond the cap
        }

        var lo = Math.Clamp(double.IsFinite(guess) ? guess : low, low, high);
        var hi = lo;
        while (F(hi) < 0)
        {
            if (hi >= high)
            {
                throw new ArgumentOutOfRangeException(parameter, value, unreachable);
            }

            lo = hi;
            hi = Math.Min(hi * 2, high); // the cap itself is tried: an answer just below it is found
        }

        while (lo > low && F(lo) > 0)
        {
            hi = lo;
            lo = Math.Max(lo / 2, low);
        }

        if (F(lo) > 0)
        {
            return lo;
        }

        return Probability.FindRoot(F, lo, hi, 1e-13 * hi);
    }

    /// <summary>The z-test's minimum detectable standardised effect, (z₁₋α/₂ + z_power)·√(1/n + 1/(n·ratio)): where the
    /// search starts (NaN when the design is invalid; the callers' checks then report it).</summary>
    private static double NormalGuess(double controlN, double alpha, double power, double ratio)
        => (Probability.NormalUpperQuantile(alpha / 2) + Probability.NormalQuantile(power)) * Math.Sqrt(1 / controlN + 1 / (controlN * ratio));

    private static void CheckPowerTarget(double effectSize, double alpha, double power)
    {
        Guard.Alpha(alpha);
        CheckPower(power, alpha);
        if (effectSize == 0 || !double.IsFinite(effectSize))
        {
            throw new ArgumentOutOfRangeException(nameof(effectSize), effectSize, "The effect size must be finite and non-zero.");
        }
    }

    private static void CheckPower(double power, double alpha)
    {
        if (!(power > alpha && power < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(power), power, $"power must be in (alpha = {alpha}, 1).");
        }
    }

    private static void CheckRatio(double ratio)
    {
        if (!(ratio > 0 && double.IsFinite(ratio)))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "ratio (treatment units per control unit) must be positive.");
        }
    }
}
