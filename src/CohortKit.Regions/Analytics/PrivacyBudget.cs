using CohortKit.Errors;

namespace CohortKit.Regions.Analytics;

/// <summary>Thrown when a noisy release would spend more of a dataset's privacy budget than is left; nothing was released.</summary>
public sealed class PrivacyBudgetExhaustedException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="requestedEpsilon">ε asked for.</param>
    /// <param name="remainingEpsilon">ε left.</param>
    /// <param name="requestedDelta">δ asked for.</param>
    /// <param name="remainingDelta">δ left.</param>
    public PrivacyBudgetExhaustedException(string dataset, double requestedEpsilon, double remainingEpsilon, double requestedDelta, double remainingDelta)
        : base($"The privacy budget of dataset '{dataset}' is exhausted: epsilon {requestedEpsilon:G6} (delta {requestedDelta:G6}) was requested, only epsilon {remainingEpsilon:G6} (delta {remainingDelta:G6}) is left.")
    {
        Dataset = dataset;
        RequestedEpsilon = requestedEpsilon;
        RemainingEpsilon = remainingEpsilon;
        RequestedDelta = requestedDelta;
        RemainingDelta = remainingDelta;
    }

    /// <summary>Gets the dataset.</summary>
    public string Dataset { get; }

    /// <summary>Gets ε asked for.</summary>
    public double RequestedEpsilon { get; }

    /// <summary>Gets ε left.</summary>
    public double RemainingEpsilon { get; }

    /// <summary>Gets δ asked for.</summary>
    public double RequestedDelta { get; }

    /// <summary>Gets δ left.</summary>
    public double RemainingDelta { get; }
}

/// <summary>The (ε, δ) privacy budget of one dataset under basic sequential composition: each release spends its ε and δ;
/// a release that would exceed the total is refused.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class PrivacyBudget
{
    private readonly Lock _gate = new();

    /// <summary>Creates a budget.</summary>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="epsilon">Total ε, positive and finite.</param>
    /// <param name="delta">Total δ, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">ε ≤ 0 or not finite, or δ outside [0, 1).</exception>
    public PrivacyBudget(string dataset, double epsilon, double delta = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        DifferentialPrivacy.CheckEpsilon(epsilon, nameof(epsilon));
        if (!(delta is >= 0 and < 1)) { throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in [0, 1)."); }
        Dataset = dataset;
        TotalEpsilon = RemainingEpsilon = epsilon;
        TotalDelta = RemainingDelta = delta;
    }

    /// <summary>Gets the dataset's name.</summary>
    public string Dataset { get; }

    /// <summary>Gets the total ε.</summary>
    public double TotalEpsilon { get; }

    /// <summary>Gets the total δ.</summary>
    public double TotalDelta { get; }

    /// <summary>Gets the ε not yet spent.</summary>
    public double RemainingEpsilon { get; private set; }

    /// <summary>Gets the δ not yet spent.</summary>
    public double RemainingDelta { get; private set; }

    /// <summary>Spends (ε, δ), or refuses without spending anything.</summary>
    /// <param name="epsilon">ε, positive.</param>
    /// <param name="delta">δ, at least 0.</param>
    /// <exception cref="PrivacyBudgetExhaustedException">Not enough budget is left.</exception>
    public void Spend(double epsilon, double delta)
    {
        DifferentialPrivacy.CheckEpsilon(epsilon, nameof(epsilon));
        lock (_gate)
        {
            // A relative slack of 1e-12 lets a budget be spent in parts that add up to it despite rounding.
            if (epsilon > RemainingEpsilon + (1e-12 * TotalEpsilon) || delta > RemainingDelta + (1e-12 * TotalDelta))
            {
                throw new PrivacyBudgetExhaustedException(Dataset, epsilon, RemainingEpsilon, delta, RemainingDelta);
            }

            RemainingEpsilon = Math.Max(0, RemainingEpsilon - epsilon);
            RemainingDelta = Math.Max(0, RemainingDelta - delta);
        }
    }
}
