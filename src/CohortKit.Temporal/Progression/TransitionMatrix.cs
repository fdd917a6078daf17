namespace CohortKit.Temporal.Progression;

/// <summary>A discrete-time Markov transition model over <see cref="LearnerState"/>: the counts it was estimated from and
/// the row-stochastic probabilities, with k-step forecasts and the churn hazard.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TransitionMatrix : IChurnHazard
{
    /// <summary>The number of states.</summary>
    public const int StateCount = 6;

    /// <summary>Gets the observed transitions: <c>Counts[from][to]</c>.</summary>
    public required IReadOnlyList<IReadOnlyList<long>> Counts { get; init; }

    /// <summary>Gets P(next = to | now = from): <c>Probabilities[from][to]</c>, each row summing to 1.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Probabilities { get; init; }

    /// <summary>Gets the number of transitions the model was estimated from.</summary>
    public long Transitions => Counts.Sum(r => r.Sum());

    /// <summary>The state distribution after each of 0…<paramref name="steps"/> periods from <paramref name="initial"/>.</summary>
    /// <param name="initial">A distribution over the six states (non-negative, summing to 1 within 1e-9).</param>
    /// <param name="steps">The number of periods ahead, at least 0.</param>
    /// <returns><paramref name="steps"/> + 1 distributions, the first being <paramref name="initial"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="initial"/> is not a distribution over six states.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    public IReadOnlyList<IReadOnlyList<double>> Forecast(ReadOnlySpan<double> initial, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (initial.Length != StateCount)
        {
            throw new ArgumentException($"initial has {initial.Length} entries; it needs one per state ({StateCount}).", nameof(initial));
        }

        var sum = 0.0;
        foreach (var p in initial)
        {
            if (!(p >= 0 && double.IsFinite(p))) { throw new ArgumentException($"initial has the entry {p}; probabilities must be finite and non-negative.", nameof(initial)); }
            sum += p;
        }

        if (Math.Abs(sum - 1) > 1e-9) { throw new ArgumentException($"initial sums to {sum}, not 1.", nameof(initial)); }
        var result = new List<IReadOnlyList<double>>(steps + 1) { initial.ToArray() };
        for (var k = 0; k < steps; k++) { result.Add(Step(result[^1])); }
        return result;
    }

    /// <inheritdoc />
    public double Hazard(LearnerState state) => Probabilities[(int)Checked(state)][(int)LearnerState.Churned];

    /// <inheritdoc />
    public double ChurnedAfter(LearnerState state, int periods)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periods, 1);
        var start = new double[StateCount];
        start[(int)Checked(state)] = 1;
        return Forecast(start, periods)[^1][(int)LearnerState.Churned];
    }

    private double[] Step(IReadOnlyList<double> from)
    {
        var next = new double[StateCount];
        for (var i = 0; i < StateCount; i++)
        {
            if (from[i] == 0) { continue; }
            for (var j = 0; j < StateCount; j++) { next[j] += from[i] * Probabilities[i][j]; }
        }

        return next;
    }

    private static LearnerState Checked(LearnerState state)
        => Enum.IsDefined(state) ? state : throw new ArgumentOutOfRangeException(nameof(state), state, "Not a defined state.");
}
