using CohortKit.Metrics;

namespace CohortKit.Regions.Analytics;

/// <summary>The noise mechanisms.</summary>
public enum NoiseMechanism
{
    /// <summary>Laplace noise of scale Δ/ε: ε-differential privacy (δ = 0).</summary>
    Laplace,

    /// <summary>Gaussian noise of σ = Δ·√(2 ln(1.25/δ))/ε: (ε, δ)-differential privacy for ε ≤ 1 (Dwork and Roth 2014, Thm 3.22).</summary>
    Gaussian,
}

/// <summary>A noisy group release.</summary>
public sealed record NoisyGroup
{
    /// <summary>Gets the group.</summary>
    public required string Group { get; init; }

    /// <summary>Gets the noisy count (count + noise of sensitivity 1).</summary>
    public required double Count { get; init; }

    /// <summary>Gets the noisy mean: (clamped sum + noise of sensitivity max(|lower|, |upper|)) / noisy count (at least 1).</summary>
    public required double Mean { get; init; }

    /// <summary>Gets the ε spent (half on the count, half on the sum).</summary>
    public required double Epsilon { get; init; }

    /// <summary>Gets the δ spent (0 for Laplace).</summary>
    public required double Delta { get; init; }

    /// <summary>Gets the mechanism.</summary>
    public required NoiseMechanism Mechanism { get; init; }

    /// <summary>Gets the noise scale of the count (Laplace b or Gaussian σ); the sum's is this times the sensitivity.</summary>
    public required double CountNoiseScale { get; init; }
}

/// <summary>Optional calibrated noise on released aggregates, charged to a <see cref="PrivacyBudget"/>.</summary>
/// <remarks>Thread-safe when the <see cref="Random"/> passed in is not shared.</remarks>
public static class DifferentialPrivacy
{
    /// <summary>Adds calibrated noise to a group's count and sum and spends (ε, δ) from the budget first.</summary>
    /// <param name="group">The group's name.</param>
    /// <param name="summary">The group's merged summary; its values must lie in [<paramref name="lower"/>, <paramref name="upper"/>]
    /// (checked through its min and max), which bounds one learner's contribution to the sum.</param>
    /// <param name="lower">The declared lower bound of a value.</param>
    /// <param name="upper">The declared upper bound of a value.</param>
    /// <param name="epsilon">ε, positive (and at most 1 for Gaussian).</param>
    /// <param name="delta">δ: 0 for Laplace, in (0, 1) for Gaussian.</param>
    /// <param name="mechanism">Laplace or Gaussian.</param>
    /// <param name="budget">The dataset's budget; refused without spending when too little is left.</param>
    /// <param name="random">The noise source (seeded by the caller).</param>
    /// <returns>The noisy count and mean.</returns>
    /// <exception cref="ArgumentOutOfRangeException">ε ≤ 0, ε &gt; 1 with Gaussian, δ outside its range, bounds not finite or
    /// reversed, or the summary's values outside them.</exception>
    /// <exception cref="PrivacyBudgetExhaustedException">The budget would be exceeded.</exception>
    public static NoisyGroup Release(string group, in MetricSummary summary, double lower, double upper, double epsilon, double delta, NoiseMechanism mechanism, PrivacyBudget budget, Random random)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(random);
        CheckEpsilon(epsilon, nameof(epsilon));
        if (mechanism == NoiseMechanism.Laplace && delta != 0) { throw new ArgumentOutOfRangeException(nameof(delta), delta, "The Laplace mechanism has delta = 0."); }
        if (mechanism == NoiseMechanism.Gaussian)
        {
            if (!(delta is > 0 and < 1)) { throw new ArgumentOutOfRangeException(nameof(delta), delta, "The Gaussian mechanism needs delta in (0, 1)."); }
            if (epsilon > 1) { throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The Gaussian mechanism's calibration holds for epsilon ≤ 1."); }
        }

        if (!(double.IsFinite(lower) && double.IsFinite(upper) && lower <= upper)) { throw new ArgumentOutOfRangeException(nameof(lower), lower, $"The bounds [{lower}, {upper}] must be finite with lower ≤ upper."); }
        if (summary.Count > 0 && (summary.Min < lower || summary.Max > upper))
        {
            throw new ArgumentOutOfRangeException(nameof(summary), summary.Count, $"Group '{group}' has values in [{summary.Min}, {summary.Max}], outside the declared bounds [{lower}, {upper}]: the sensitivity would not hold.");
        }

        budget.Spend(epsilon, delta);
        var half = epsilon / 2;
        var sensitivity = Math.Max(Math.Abs(lower), Math.Abs(upper));
        var scale = mechanism == NoiseMechanism.Laplace ? 1 / half : Math.Sqrt(2 * Math.Log(1.25 / (delta / 2))) / half;
        var count = summary.Count + Noise(mechanism, scale, random);
        var sum = summary.Sum + Noise(mechanism, scale * sensitivity, random);
        return new NoisyGroup { Group = group, Count = count, Mean = sum / Math.Max(1, count), Epsilon = epsilon, Delta = delta, Mechanism = mechanism, CountNoiseScale = scale };
    }

    /// <summary>One draw of Laplace(0, b) (inverse CDF) or N(0, σ²) (Box–Muller).</summary>
    /// <param name="mechanism">The distribution.</param>
    /// <param name="scale">b or σ, positive.</param>
    /// <param name="random">The source.</param>
    /// <returns>The draw.</returns>
    public static double Noise(NoiseMechanism mechanism, double scale, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (mechanism == NoiseMechanism.Laplace)
        {
            var u = random.NextDouble() - 0.5; // in [-0.5, 0.5)
            return -scale * Math.Sign(u) * Math.Log(1 - (2 * Math.Abs(u)));
        }

        var u1 = 1 - random.NextDouble(); // (0, 1]
        var u2 = random.NextDouble();
        return scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Checks ε.</summary>
    internal static void CheckEpsilon(double epsilon, string name)
    {
        if (!(epsilon > 0 && double.IsFinite(epsilon)))
        {
            throw new ArgumentOutOfRangeException(name, epsilon, "epsilon must be positive and finite (ε ≤ 0 gives no privacy guarantee to calibrate against).");
        }
    }
}
