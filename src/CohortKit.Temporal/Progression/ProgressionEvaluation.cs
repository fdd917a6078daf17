namespace CohortKit.Temporal.Progression;

/// <summary>Next-state prediction on held-out transitions, against the "stays in the same state" baseline.</summary>
/// <remarks>Immutable and thread-safe. The baseline gives its own state the probability that a training transition stays
/// (<see cref="BaselineStayProbability"/>) and shares the rest equally among the other five states.</remarks>
public sealed record ProgressionEvaluation
{
    /// <summary>Gets the first day after the training data: held-out transitions end in a period that ends after it.</summary>
    public required DateOnly HeldOutAfter { get; init; }

    /// <summary>Gets the number of held-out transitions.</summary>
    public required long Transitions { get; init; }

    /// <summary>Gets the model's mean negative log-likelihood of the observed next state (natural log).</summary>
    public required double LogLoss { get; init; }

    /// <summary>Gets how often the model's most likely next state was the observed one.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Gets the baseline's mean negative log-likelihood.</summary>
    public required double BaselineLogLoss { get; init; }

    /// <summary>Gets how often the learner stayed in the same state (the baseline's accuracy).</summary>
    public required double BaselineAccuracy { get; init; }

    /// <summary>Gets the share of training transitions that stayed, the baseline's probability of staying.</summary>
    public required double BaselineStayProbability { get; init; }
}
