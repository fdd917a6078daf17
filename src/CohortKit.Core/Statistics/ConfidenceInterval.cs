namespace CohortKit.Statistics;

/// <summary>A two-sided confidence interval <c>[Low, High]</c> at a stated confidence level, the one interval type every
/// CohortKit result uses.</summary>
/// <param name="Low">The lower bound (may be <see cref="double.NegativeInfinity"/> for a one-sided interval).</param>
/// <param name="High">The upper bound (may be <see cref="double.PositiveInfinity"/> for a one-sided interval).</param>
/// <param name="Level">The confidence level actually used, in (0, 1), e.g. 0.95; after a Bonferroni correction this is
/// <c>1 − α/m</c>, not the nominal level.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct ConfidenceInterval(double Low, double High, double Level)
{
    /// <summary>Creates a checked interval.</summary>
    /// <param name="low">The lower bound.</param>
    /// <param name="high">The upper bound.</param>
    /// <param name="level">The confidence level in (0, 1).</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bound is NaN, <paramref name="low"/> exceeds <paramref name="high"/>, or
    /// <paramref name="level"/> is not in (0, 1).</exception>
    public static ConfidenceInterval Create(double low, double high, double level)
    {
        if (double.IsNaN(low) || double.IsNaN(high) || low > high)
        {
            throw new ArgumentOutOfRangeException(nameof(low), $"The interval [{low}, {high}] is not ordered or has a NaN bound.");
        }

        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must lie in (0, 1).");
        }

        return new ConfidenceInterval(low, high, level);
    }

    /// <summary>The width <c>High − Low</c>.</summary>
    public double Width => High - Low;

    /// <summary>Whether <paramref name="value"/> lies inside the closed interval.</summary>
    /// <param name="value">The value to test.</param>
    /// <returns>True when <c>Low ≤ value ≤ High</c>.</returns>
    public bool Contains(double value) => value >= Low && value <= High;

    /// <summary>Whether the interval excludes zero (the usual "significant at this level" reading of a difference).</summary>
    public bool ExcludesZero => Low > 0 || High < 0;
}
