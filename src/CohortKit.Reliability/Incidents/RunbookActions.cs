using CohortKit.Errors;

namespace CohortKit.Reliability.Incidents;

/// <summary>The runbook actions the coordinator can start. Handlers live in the packages (or hosts) that can do them, e.g.
/// CohortKit.Deployment rolls back and CohortKit.Regions fails over; this package references neither.</summary>
public enum RunbookActionKind
{
    /// <summary>Roll a deployment back to its previous version (target: the deployment).</summary>
    RollbackDeployment,

    /// <summary>Move traffic away from a region (target: the region).</summary>
    FailOverRegion,

    /// <summary>Stop serving a model's decisions and fall back to its default (target: the model).</summary>
    DisableModel,
}

/// <summary>What a runbook action is asked to do.</summary>
/// <param name="IncidentId">The incident it serves.</param>
/// <param name="Kind">The action.</param>
/// <param name="Target">What to act on (deployment, region or model name).</param>
public sealed record RunbookActionRequest(int IncidentId, RunbookActionKind Kind, string Target);

/// <summary>How a runbook action ended.</summary>
/// <param name="Succeeded">Whether it did what it was asked.</param>
/// <param name="Detail">A line for the timeline.</param>
public sealed record RunbookActionOutcome(bool Succeeded, string Detail);

/// <summary>Performs one kind of runbook action. Register one per kind (as a DI singleton, or pass it to the coordinator).</summary>
public interface IRunbookAction
{
    /// <summary>Gets the kind of action this handler performs.</summary>
    RunbookActionKind Kind { get; }

    /// <summary>Performs the action.</summary>
    /// <param name="request">What to do.</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>The outcome.</returns>
    Task<RunbookActionOutcome> ExecuteAsync(RunbookActionRequest request, CancellationToken cancellationToken);
}

/// <summary>Thrown when a runbook action is asked for and no <see cref="IRunbookAction"/> handles its kind.</summary>
public sealed class RunbookActionNotRegisteredException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The action nobody handles.</param>
    public RunbookActionNotRegisteredException(RunbookActionKind kind)
        : base($"No runbook action handles {kind}: register an IRunbookAction whose Kind is {kind}.") => Kind = kind;

    /// <summary>Gets the action nobody handles.</summary>
    public RunbookActionKind Kind { get; }
}
