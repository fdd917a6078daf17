using CohortKit.Deployment.Canary;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>
/// Drives a blue-green deployment through an explicit state machine — idle → green deployed → health-gated → canary analysis
/// → switched → blue drained → done — and rolls back (traffic to blue, green drained) from any step before done: on a failed
/// health gate, a failed (or marginal) canary, a green that is unhealthy at the moment of the switch (the switch is refused),
/// a green that turns unhealthy during the bake time, or on request (<see cref="RollbackAsync"/>). Every step is saved to the
/// <see cref="IDeploymentStateStore"/> before the next begins, and the switch's target is saved before the switch is applied,
/// so <see cref="ResumeAsync"/> in a restarted process re-applies the routing of the saved step and carries on.
/// </summary>
/// <remarks>One deployment at a time per state store; not thread-safe. Time (probe intervals, bake, timestamps) comes from
/// the <see cref="TimeProvider"/>.</remarks>
public sealed class BlueGreenOrchestrator
{
    private readonly BlueGreenOptions _options;
    private readonly ITrafficSwitch _traffic;
    private readonly IHealthProbe _probe;
    private readonly ICanarySource _canary;
    private readonly CanaryJudge _judge;
    private readonly IDeploymentStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HealthAgent _health;

    /// <summary>Creates the orchestrator.</summary>
    /// <param name="options">The options (validated and copied).</param>
    /// <param name="traffic">The traffic switch (YARP by default).</param>
    /// <param name="probe">The health probe.</param>
    /// <param name="canary">Where the canary's observations come from.</param>
    /// <param name="judge">The canary judge.</param>
    /// <param name="store">Where the state is saved.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="logger">Logs steps.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named by the parameter).</exception>
    public BlueGreenOrchestrator(BlueGreenOptions options, ITrafficSwitch traffic, IHealthProbe probe, ICanarySource canary, CanaryJudge judge,
        IDeploymentStateStore store, TimeProvider? time = null, ILogger<BlueGreenOrchestrator>? logger = null)
    {
        BlueGreenOptionsValidator.ThrowIfInvalid(options);
        ArgumentNullException.ThrowIfNull(traffic);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentNullException.ThrowIfNull(store);
        _options = new BlueGreenOptions
        {
            ProbeInterval = options.ProbeInterval,
            SuccessThreshold = options.SuccessThreshold,
            FailureThreshold = options.FailureThreshold,
            HealthGateTimeout = options.HealthGateTimeout,
            BakeTime = options.BakeTime,
            DrainTimeout = options.DrainTimeout,
            RollBackOnMarginal = options.RollBackOnMarginal,
        };
        (_traffic, _probe, _canary, _judge, _store) = (traffic, probe, canary, judge, store);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<BlueGreenOrchestrator>.Instance;
        _health = new HealthAgent(probe, _options, _time);
    }

    /// <summary>Creates the orchestrator from DI.</summary>
    /// <param name="options">The options.</param>
    /// <param name="traffic">The traffic switch.</param>
    /// <param name="probe">The health probe.</param>
    /// <param name="canary">The canary source.</param>
    /// <param name="judge">The canary judge.</param>
    /// <param name="store">The state store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Logs steps.</param>
    [ActivatorUtilitiesConstructor]
    public BlueGreenOrchestrator(IOptions<BlueGreenOptions> options, ITrafficSwitch traffic, IHealthProbe probe, ICanarySource canary, CanaryJudge judge,
        IDeploymentStateStore store, TimeProvider time, ILogger<BlueGreenOrchestrator>? logger = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, traffic, probe, canary, judge, store, time, logger)
    {
    }

    /// <summary>Raised after each step is saved (on the orchestrator's thread; keep handlers short).</summary>
    public event EventHandler<DeploymentState>? StepEntered;

    /// <summary>Starts a deployment of <paramref name="green"/> (already running) beside <paramref name="blue"/> and drives it to done or rolled back.</summary>
    /// <param name="blue">The current version.</param>
    /// <param name="green">The new version.</param>
    /// <param name="committedAt">When the change was committed (for the lead time), if known.</param>
    /// <param name="cancellationToken">Stops the orchestrator (the saved state lets <see cref="ResumeAsync"/> carry on).</param>
    /// <returns>The final state.</returns>
    /// <exception cref="ArgumentException">A target is malformed, or both have the same version.</exception>
    /// <exception cref="InvalidOperationException">The store holds an unfinished deployment: resume it instead.</exception>
    public async Task<DeploymentState> DeployAsync(DeploymentTarget blue, DeploymentTarget green, DateTimeOffset? committedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blue);
        ArgumentNullException.ThrowIfNull(green);
        blue.Validate(nameof(blue));
        green.Validate(nameof(green));
        if (blue.Version == green.Version)
        {
            throw new ArgumentException($"Blue and green are both version '{green.Version}'.", nameof(green));
        }

        if (await _store.LoadAsync(cancellationToken).ConfigureAwait(false) is { Finished: false } open)
        {
            throw new InvalidOperationException($"Deployment {open.Id} is unfinished at step {open.Step}; resume it or roll it back first.");
        }

        var now = _time.GetUtcNow();
        var state = new DeploymentState
        {
            Id = $"{green.Version}-{now.UtcDateTime:yyyyMMddTHHmmssfff}",
            Blue = blue,
            Green = green,
            CommittedAt = committedAt,
            Step = DeploymentStep.Idle,
        }.Enter(DeploymentStep.Idle, now, $"{blue.Version} serves");
        await SaveAsync(state, cancellationToken).ConfigureAwait(false);
        return await ContinueAsync(state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes the saved deployment, e.g. after the orchestrator's process was killed: re-applies the routing the saved
    /// step implies (an interrupted switch is completed) and carries on to done or rolled back.</summary>
    /// <param name="cancellationToken">Stops the orchestrator.</param>
    /// <returns>The final state, or <see langword="null"/> when nothing was saved.</returns>
    public async Task<DeploymentState?> ResumeAsync(CancellationToken cancellationToken = default)
    {
        var state = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        return state is null ? null : await ContinueAsync(state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rolls the saved, unfinished deployment back: all traffic to blue, green drained.</summary>
    /// <param name="reason">Why, for the timeline.</param>
    /// <param name="cancellationToken">Stops the orchestrator.</param>
    /// <returns>The final state.</returns>
    /// <exception cref="InvalidOperationException">No deployment is in progress.</exception>
    public async Task<DeploymentState> RollbackAsync(string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var state = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (state is null || state.Finished)
        {
            throw new InvalidOperationException(state is null ? "No deployment has been saved." : $"Deployment {state.Id} has already finished ({state.Step}).");
        }

        return state.Step == DeploymentStep.RollingBack
            ? await FinishRollbackAsync(state, cancellationToken).ConfigureAwait(false)
            : await RollBackAsync(state, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeploymentState> ContinueAsync(DeploymentState state, CancellationToken ct)
    {
        while (true)
        {
            switch (state.Step)
            {
                case DeploymentStep.Idle:
                    await RouteAsync(state.Blue, ct).ConfigureAwait(false);
                    state = await EnterAsync(state, DeploymentStep.GreenDeployed, $"{state.Green.Version} running at {state.Green.Address}", ct).ConfigureAwait(false);
                    break;
                case DeploymentStep.GreenDeployed:
                    await RouteAsync(state.Blue, ct).ConfigureAwait(false);
                    var gate = await _health.GateAsync(state.Green, ct).ConfigureAwait(false);
                    if (!gate.Healthy)
                    {
                        return await RollBackAsync(state, "health gate: " + gate.Detail, ct).ConfigureAwait(false);
                    }

                    state = await EnterAsync(state, DeploymentStep.HealthGated, gate.Detail, ct).ConfigureAwait(false);
                    break;
                case DeploymentStep.HealthGated:
                    state = await EnterAsync(state, DeploymentStep.CanaryAnalysis, "comparing green with blue", ct).ConfigureAwait(false);
                    break;
                case DeploymentStep.CanaryAnalysis:
                    if (state.SwitchIntent != state.Green.Version)
                    {
                        await RouteAsync(state.Blue, ct).ConfigureAwait(false);
                        var (blueArm, greenArm) = await _canary.CollectAsync(state.Blue, state.Green, ct).ConfigureAwait(false);
                        var report = _judge.Judge(blueArm, greenArm);
                        state = state with { Verdict = report.Verdict, CanaryReasons = report.Reasons };
                        if (report.Verdict == CanaryVerdict.Fail || (report.Verdict == CanaryVerdict.Marginal && _options.RollBackOnMarginal))
                        {
                            return await RollBackAsync(state, $"canary {report.Verdict.ToString().ToLowerInvariant()}: {string.Join("; ", report.Reasons)}", ct).ConfigureAwait(false);
                        }

                        // Refuse to switch to a target that is not healthy right now, whatever the earlier gate said.
                        if (!await _probe.ProbeAsync(state.Green, ct).ConfigureAwait(false))
                        {
                            return await RollBackAsync(state, $"switch refused: {state.Green.Version} is unhealthy", ct).ConfigureAwait(false);
                        }

                        state = state with { SwitchIntent = state.Green.Version };
                        await SaveAsync(state, ct).ConfigureAwait(false);
                    }

                    await _traffic.SwitchAsync(state.Green, ct).ConfigureAwait(false);
                    state = await EnterAsync(state, DeploymentStep.Switched, $"all new requests go to {state.Green.Version}", ct).ConfigureAwait(false);
                    break;
                case DeploymentStep.Switched:
                    await RouteAsync(state.Green, ct).ConfigureAwait(false);
                    var bake = await _health.WatchAsync(state.Green, _options.BakeTime, ct).ConfigureAwait(false);
                    if (!bake.Healthy)
                    {
                        return await RollBackAsync(state, "after the switch: " + bake.Detail, ct).ConfigureAwait(false);
                    }

                    var drained = await _traffic.DrainAsync(state.Blue, _options.DrainTimeout, ct).ConfigureAwait(false);
                    state = await EnterAsync(state, DeploymentStep.BlueDrained,
                        drained ? $"no request in flight to {state.Blue.Version}" : $"{state.Blue.Version} still had requests in flight after {_options.DrainTimeout.TotalSeconds:F0} s", ct).ConfigureAwait(false);
                    break;
                case DeploymentStep.BlueDrained:
                    await RouteAsync(state.Green, ct).ConfigureAwait(false);
                    state = await EnterAsync(state, DeploymentStep.Done, $"{state.Green.Version} serves", ct).ConfigureAwait(false);
                    break;
                case DeploymentStep.Done:
                    await RouteAsync(state.Green, ct).ConfigureAwait(false);
                    return state;
                case DeploymentStep.RollingBack:
                    return await FinishRollbackAsync(state, ct).ConfigureAwait(false);
                default:
                    await RouteAsync(state.Blue, ct).ConfigureAwait(false);
                    return state;
            }
        }
    }

    private async Task<DeploymentState> RollBackAsync(DeploymentState state, string reason, CancellationToken ct)
    {
        var inProduction = state.Step is DeploymentStep.Switched or DeploymentStep.BlueDrained || _traffic.Active?.Version == state.Green.Version;
        state = state with { RollbackReason = reason, RollbackDecidedAt = _time.GetUtcNow(), FailedInProduction = inProduction, SwitchIntent = state.Blue.Version };
        state = await EnterAsync(state, DeploymentStep.RollingBack, reason, ct).ConfigureAwait(false);
        return await FinishRollbackAsync(state, ct).ConfigureAwait(false);
    }

    private async Task<DeploymentState> FinishRollbackAsync(DeploymentState state, CancellationToken ct)
    {
        await _traffic.SwitchAsync(state.Blue, ct).ConfigureAwait(false);
        var drained = await _traffic.DrainAsync(state.Green, _options.DrainTimeout, ct).ConfigureAwait(false);
        state = await EnterAsync(state, DeploymentStep.RolledBack,
            drained ? $"all traffic on {state.Blue.Version}; {state.Green.Version} drained" : $"all new traffic on {state.Blue.Version}; {state.Green.Version} still had requests in flight", ct).ConfigureAwait(false);
        DeploymentTelemetry.Rollbacks.Add(1);
        if (state.RollbackDuration is { } took)
        {
            DeploymentTelemetry.RollbackDuration.Record(took.TotalSeconds);
        }

        return state;
    }

    private async Task RouteAsync(DeploymentTarget target, CancellationToken ct)
    {
        if (_traffic.Active?.Version != target.Version)
        {
            await _traffic.SwitchAsync(target, ct).ConfigureAwait(false);
        }
    }

    private async Task<DeploymentState> EnterAsync(DeploymentState state, DeploymentStep step, string detail, CancellationToken ct)
    {
        state = state.Enter(step, _time.GetUtcNow(), detail);
        await SaveAsync(state, ct).ConfigureAwait(false);
        return state;
    }

    private async Task SaveAsync(DeploymentState state, CancellationToken ct)
    {
        await _store.SaveAsync(state, ct).ConfigureAwait(false);
        DeploymentTelemetry.LogStep(_logger, state.Id, state.Step, state.Timeline[^1].Detail);
        StepEntered?.Invoke(this, state);
    }
}
