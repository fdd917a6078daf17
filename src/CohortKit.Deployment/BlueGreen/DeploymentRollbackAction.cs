using CohortKit.Reliability.Incidents;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>The <see cref="RunbookActionKind.RollbackDeployment"/> handler for Reliability's incident coordinator: rolls the
/// deployment in progress back to blue.</summary>
/// <param name="orchestrator">The orchestrator whose saved deployment is rolled back.</param>
public sealed class DeploymentRollbackAction(BlueGreenOrchestrator orchestrator) : IRunbookAction
{
    /// <inheritdoc />
    public RunbookActionKind Kind => RunbookActionKind.RollbackDeployment;

    /// <inheritdoc />
    public async Task<RunbookActionOutcome> ExecuteAsync(RunbookActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var state = await orchestrator.RollbackAsync($"incident {request.IncidentId}: rollback of {request.Target}", cancellationToken).ConfigureAwait(false);
            return new RunbookActionOutcome(true, $"rolled back {state.Green.Version}; {state.Blue.Version} serves (in {state.RollbackDuration?.TotalMilliseconds:F0} ms)");
        }
        catch (InvalidOperationException ex)
        {
            return new RunbookActionOutcome(false, ex.Message);
        }
    }
}
