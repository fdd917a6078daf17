using System.Text.Json.Serialization;
using CohortKit.Deployment.Canary;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>The steps of a blue-green deployment, in order; <see cref="RollingBack"/> and <see cref="RolledBack"/> can follow any step before <see cref="Done"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeploymentStep>))]
public enum DeploymentStep
{
    /// <summary>Nothing deployed yet; blue serves.</summary>
    Idle,

    /// <summary>Green is running beside blue; blue serves.</summary>
    GreenDeployed,

    /// <summary>Green passed its health gate.</summary>
    HealthGated,

    /// <summary>The canary judge is comparing green with blue (or passed; see <see cref="DeploymentState.SwitchIntent"/>).</summary>
    CanaryAnalysis,

    /// <summary>All new traffic goes to green; green's health is watched for the bake time.</summary>
    Switched,

    /// <summary>No request is in flight to blue any more.</summary>
    BlueDrained,

    /// <summary>The deployment finished; green serves.</summary>
    Done,

    /// <summary>A rollback was decided; traffic is being moved back to blue.</summary>
    RollingBack,

    /// <summary>All traffic is on blue again and green is drained.</summary>
    RolledBack,
}

/// <summary>One entry of a deployment's timeline.</summary>
/// <param name="Step">The step entered.</param>
/// <param name="At">When (UTC, from the orchestrator's clock).</param>
/// <param name="Detail">Why or how, for a person.</param>
public sealed record DeploymentEvent(DeploymentStep Step, DateTimeOffset At, string Detail);

/// <summary>The persisted state of one blue-green deployment: enough to resume after a crash.</summary>
public sealed record DeploymentState
{
    /// <summary>Gets the deployment's id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the current version.</summary>
    public required DeploymentTarget Blue { get; init; }

    /// <summary>Gets the new version.</summary>
    public required DeploymentTarget Green { get; init; }

    /// <summary>Gets when the change was committed (for lead time), if known.</summary>
    public DateTimeOffset? CommittedAt { get; init; }

    /// <summary>Gets the step reached.</summary>
    public required DeploymentStep Step { get; init; }

    /// <summary>Gets the version the switch must route to, written before the switch is applied, so that a restarted
    /// orchestrator re-applies an interrupted switch.</summary>
    public string? SwitchIntent { get; init; }

    /// <summary>Gets the canary verdict, once judged.</summary>
    public CanaryVerdict? Verdict { get; init; }

    /// <summary>Gets the canary's reasons, once judged.</summary>
    public IReadOnlyList<string> CanaryReasons { get; init; } = [];

    /// <summary>Gets why the deployment was rolled back, if it was.</summary>
    public string? RollbackReason { get; init; }

    /// <summary>Gets when the rollback was decided.</summary>
    public DateTimeOffset? RollbackDecidedAt { get; init; }

    /// <summary>Gets whether green had taken traffic when the rollback was decided (a change failure in DORA's sense).</summary>
    public bool FailedInProduction { get; init; }

    /// <summary>Gets every step entered, in order.</summary>
    public IReadOnlyList<DeploymentEvent> Timeline { get; init; } = [];

    /// <summary>Gets when the rollback completed (all traffic on blue, green drained).</summary>
    [JsonIgnore]
    public DateTimeOffset? RolledBackAt => Step == DeploymentStep.RolledBack ? Timeline[^1].At : null;

    /// <summary>Gets the rollback's duration: from the decision until all traffic is on blue and green is drained.</summary>
    [JsonIgnore]
    public TimeSpan? RollbackDuration => RolledBackAt - RollbackDecidedAt;

    /// <summary>Gets when the switch to green took effect, if it did.</summary>
    [JsonIgnore]
    public DateTimeOffset? SwitchedAt => Timeline.FirstOrDefault(e => e.Step == DeploymentStep.Switched)?.At;

    /// <summary>Gets whether the deployment has ended (done or rolled back).</summary>
    [JsonIgnore]
    public bool Finished => Step is DeploymentStep.Done or DeploymentStep.RolledBack;

    /// <summary>A copy at a new step with its timeline entry.</summary>
    internal DeploymentState Enter(DeploymentStep step, DateTimeOffset at, string detail) =>
        this with { Step = step, Timeline = [.. Timeline, new DeploymentEvent(step, at, detail)] };
}
