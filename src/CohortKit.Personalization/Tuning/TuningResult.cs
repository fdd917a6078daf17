namespace CohortKit.Personalization.Tuning;

/// <summary>One trial: its number, its parameters and (once told) its objective value.</summary>
public sealed record Trial
{
    /// <summary>Gets the trial's number (0-based, in the order asked or warm-started).</summary>
    public required int Number { get; init; }

    /// <summary>Gets the parameters.</summary>
    public required ParameterSet Parameters { get; init; }

    /// <summary>Gets the objective value, or null while the trial is pending.</summary>
    public double? Value { get; init; }
}

/// <summary>The outcome of <see cref="AdaptiveParameterTuner.Optimize"/>.</summary>
public sealed record TuningResult
{
    /// <summary>Gets the best trial (smallest value when minimising, largest when maximising).</summary>
    public required Trial Best { get; init; }

    /// <summary>Gets the trial the tuner recommends: with the Gaussian-process sampler, the completed trial of best posterior
    /// mean under the surrogate fitted to every completed trial, so that with a noisy objective a lucky observation is not
    /// taken for the best parameters; with random search (or fewer than two completed trials), <see cref="Best"/>.</summary>
    public required Trial Recommended { get; init; }

    /// <summary>Gets every completed trial, in order.</summary>
    public required IReadOnlyList<Trial> Trials { get; init; }

    /// <summary>Gets the best value after each trial.</summary>
    public required IReadOnlyList<double> Trajectory { get; init; }
}
