using CohortKit.Deployment.BlueGreen;

namespace CohortKit.Deployment.Records;

/// <summary>How a deployment ended.</summary>
public enum DeploymentOutcome
{
    /// <summary>Green serves.</summary>
    Succeeded,

    /// <summary>A gate stopped green before it took traffic; blue kept serving.</summary>
    StoppedByGate,

    /// <summary>Green took traffic, failed, and was rolled back (a change failure).</summary>
    FailedInProduction,
}

/// <summary>The record of one finished deployment, from which the DORA figures are computed.</summary>
public sealed record DeploymentRecord
{
    /// <summary>Gets the deployment's id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the version deployed.</summary>
    public required string Version { get; init; }

    /// <summary>Gets when the change was committed, if known (lead time needs it).</summary>
    public DateTimeOffset? CommittedAt { get; init; }

    /// <summary>Gets when the deployment started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when it finished (done or rolled back).</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>Gets how it ended.</summary>
    public required DeploymentOutcome Outcome { get; init; }

    /// <summary>Gets, for a failure in production, when it was detected (the rollback decision).</summary>
    public DateTimeOffset? FailureDetectedAt { get; init; }

    /// <summary>Gets, for a failure in production, when service was restored (all traffic back on blue).</summary>
    public DateTimeOffset? RestoredAt { get; init; }

    /// <summary>Gets the timeline.</summary>
    public IReadOnlyList<DeploymentEvent> Timeline { get; init; } = [];

    /// <summary>The record of a finished deployment state.</summary>
    /// <param name="state">The final state (done or rolled back).</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentException">The deployment has not finished.</exception>
    public static DeploymentRecord FromState(DeploymentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Finished || state.Timeline.Count == 0)
        {
            throw new ArgumentException($"Deployment {state.Id} has not finished (step {state.Step}).", nameof(state));
        }

        var outcome = state.Step == DeploymentStep.Done ? DeploymentOutcome.Succeeded
            : state.FailedInProduction ? DeploymentOutcome.FailedInProduction
            : DeploymentOutcome.StoppedByGate;
        return new DeploymentRecord
        {
            Id = state.Id,
            Version = state.Green.Version,
            CommittedAt = state.CommittedAt,
            StartedAt = state.Timeline[0].At,
            FinishedAt = state.Timeline[^1].At,
            Outcome = outcome,
            FailureDetectedAt = outcome == DeploymentOutcome.FailedInProduction ? state.RollbackDecidedAt : null,
            RestoredAt = outcome == DeploymentOutcome.FailedInProduction ? state.RolledBackAt : null,
            Timeline = state.Timeline,
        };
    }
}
