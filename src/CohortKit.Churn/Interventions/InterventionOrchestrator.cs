using System.Diagnostics;
using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Churn.Interventions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Interventions;

/// <summary>
/// Turns churn scores into interventions within a playbook's budgets, caps and cooldowns, keeps a permanent randomised
/// holdout untreated, persists every decision before sending it, and dispatches through an
/// <see cref="IInterventionChannel"/>. A rerun of the same day plans nothing new for learners already decided and sends
/// only what is still pending, so a run killed mid-dispatch and rerun sends each decision once.
/// </summary>
/// <remarks>
/// A decision's key is (learner, action, UTC day). Its states: <c>Planned → Dispatching → Sent</c>, or <c>→ Failed</c> (the
/// channel threw; retried on later runs within <see cref="InterventionOptions.RetryWindowDays"/>, then <c>Expired</c>), or
/// <c>Withheld</c> for the holdout. The state is written before each channel call and after it; a run stopped between the
/// two leaves <c>Dispatching</c>, which the next run sends again with the same key (the channel's idempotency key).
/// Not safe for overlapping runs over one store; one run at a time per playbook.
/// </remarks>
public sealed partial class InterventionOrchestrator
{
    private readonly InterventionPlaybook _playbook;
    private readonly InterventionHoldout _holdout;
    private readonly IInterventionStore _store;
    private readonly IInterventionChannel _channel;
    private readonly InterventionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _lookbackDays;

    /// <summary>Creates an orchestrator (the non-DI entry).</summary>
    /// <param name="playbook">The rules; validated now.</param>
    /// <param name="store">Where decisions are persisted.</param>
    /// <param name="channel">Where interventions are delivered.</param>
    /// <param name="options">Settings; validated and copied now. Defaults when null.</param>
    /// <param name="timeProvider">The clock that fixes the run's day; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Optional logger (counts only).</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="PlaybookFormatException">The playbook is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's name.</exception>
    public InterventionOrchestrator(InterventionPlaybook playbook, IInterventionStore store, IInterventionChannel channel,
        InterventionOptions? options = null, TimeProvider? timeProvider = null, ILogger<InterventionOrchestrator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(channel);
        PlaybookValidator.ThrowIfInvalid(playbook);
        options ??= new InterventionOptions();
        InterventionOptionsValidator.ThrowIfInvalid(options);
        _playbook = playbook;
        _holdout = new InterventionHoldout(playbook.Holdout);
        _store = store;
        _channel = channel;
        _options = options.Copy();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<InterventionOrchestrator>.Instance;
        _lookbackDays = playbook.Rules.Max(r => Math.Max(r.CooldownDays, r.FrequencyCap.WindowDays));
    }

    /// <summary>Creates an orchestrator from DI.</summary>
    /// <param name="playbook">The rules.</param>
    /// <param name="store">The store.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="options">The validated settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Optional logger.</param>
    [ActivatorUtilitiesConstructor]
    public InterventionOrchestrator(InterventionPlaybook playbook, IInterventionStore store, IInterventionChannel channel,
        IOptions<InterventionOptions> options, TimeProvider timeProvider, ILogger<InterventionOrchestrator>? logger = null)
        : this(playbook, store, channel, options?.Value ?? throw new ArgumentNullException(nameof(options)), timeProvider, logger)
    {
    }

    /// <summary>Gets the permanent holdout of the playbook.</summary>
    public InterventionHoldout Holdout => _holdout;

    /// <summary>Plans today's decisions (UTC day of the clock), persists them, then dispatches every pending decision.</summary>
    /// <param name="scores">One score per learner (no learner twice).</param>
    /// <param name="cancellationToken">Stops the run between channel calls; what was sent stays recorded.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="ArgumentException">A learner appears twice, a risk is outside [0, 1], a segment is missing, or an
    /// uplift is missing (under uplift targeting) or outside [−1, 1]; the message names the index.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; a rerun continues where this run stopped.</exception>
    public async Task<InterventionRunReport> RunAsync(IReadOnlyList<LearnerScore> scores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Validate(scores);
        using var activity = ChurnTelemetry.ActivitySource.StartActivity("InterventionOrchestrator.Run");
        var now = _time.GetUtcNow();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var history = await _store.GetDecisionsAsync(day.AddDays(-_lookbackDays), day, cancellationToken).ConfigureAwait(false);
        var plan = InterventionPlanner.Build(_playbook, _holdout, scores, history, day, now, _options);
        await _store.AddAsync(plan.Decisions, cancellationToken).ConfigureAwait(false);
        int planned = 0, withheld = 0;
        foreach (var d in plan.Decisions)
        {
            var tag = new KeyValuePair<string, object?>(InterventionTelemetry.ActionTag, d.Key.Action);
            if (d.State == DecisionState.Withheld) { withheld++; InterventionTelemetry.Withheld.Add(1, tag); }
            else { planned++; InterventionTelemetry.Planned.Add(1, tag); }
        }

        LogPlanned(_logger, scores.Count, planned, withheld, plan.AlreadyDecided);
        var (sent, failed, expired) = await DispatchAsync(day, cancellationToken).ConfigureAwait(false);
        return new InterventionRunReport
        {
            Day = day,
            Learners = scores.Count,
            Planned = planned,
            Withheld = withheld,
            AlreadyDecided = plan.AlreadyDecided,
            SkippedByCooldown = plan.Cooldown,
            SkippedByFrequencyCap = plan.Cap,
            SkippedByBudget = plan.Budget,
            Sent = sent,
            Failed = failed,
            Expired = expired,
        };
    }

    /// <summary>Dispatches every pending decision (planned, failed, or left dispatching by a stopped run) without planning
    /// new ones: the retry path.</summary>
    /// <param name="cancellationToken">Stops between channel calls.</param>
    /// <returns>What the run did (no planning counts).</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<InterventionRunReport> DispatchPendingAsync(CancellationToken cancellationToken = default)
    {
        var day = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var (sent, failed, expired) = await DispatchAsync(day, cancellationToken).ConfigureAwait(false);
        return new InterventionRunReport
        {
            Day = day, Learners = 0, Planned = 0, Withheld = 0, AlreadyDecided = 0, SkippedByCooldown = 0,
            SkippedByFrequencyCap = 0, SkippedByBudget = 0, Sent = sent, Failed = failed, Expired = expired,
        };
    }

    private async Task<(int Sent, int Failed, int Expired)> DispatchAsync(DateOnly day, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0, expired = 0;
        var oldest = day.AddDays(-_options.RetryWindowDays);
        foreach (var pending in await _store.GetPendingAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tag = new KeyValuePair<string, object?>(InterventionTelemetry.ActionTag, pending.Key.Action);
            if (pending.Key.Day < oldest)
            {
                await _store.UpdateAsync(pending with { State = DecisionState.Expired, UpdatedAt = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
                InterventionTelemetry.Expired.Add(1, tag);
                expired++;
                continue;
            }

            var dispatching = pending with { State = DecisionState.Dispatching, Attempts = pending.Attempts + 1, UpdatedAt = _time.GetUtcNow() };
            await _store.UpdateAsync(dispatching, cancellationToken).ConfigureAwait(false);
            try
            {
                await _channel.SendAsync(new InterventionMessage(pending.Key, pending.RuleId), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw; // the outcome is unknown: the decision stays Dispatching and the next run sends it again with the same key
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The channel said no: record it (never the message, which may name the learner) and retry on a later run.
                await _store.UpdateAsync(dispatching with { State = DecisionState.Failed, UpdatedAt = _time.GetUtcNow(), LastError = e.GetType().Name },
                    CancellationToken.None).ConfigureAwait(false);
                InterventionTelemetry.Failed.Add(1, tag);
                LogChannelFailed(_logger, pending.Key.Action, e.GetType().Name);
                failed++;
                continue;
            }

            // Delivered: record it even if cancellation arrives now, or the next run would send it again.
            await _store.UpdateAsync(dispatching with { State = DecisionState.Sent, UpdatedAt = _time.GetUtcNow(), LastError = null },
                CancellationToken.None).ConfigureAwait(false);
            InterventionTelemetry.Sent.Add(1, tag);
            sent++;
        }

        LogDispatched(_logger, sent, failed, expired);
        Activity.Current?.SetTag("cohortkit.churn.interventions.sent", sent);
        return (sent, failed, expired);
    }

    private void Validate(IReadOnlyList<LearnerScore> scores)
    {
        var seen = new HashSet<long>();
        for (var i = 0; i < scores.Count; i++)
        {
            var s = scores[i];
            if (!seen.Add(s.Learner.Value))
            {
                throw new ArgumentException($"scores[{i}] repeats a learner already scored; give one score per learner.", nameof(scores));
            }

            if (!(s.Risk is >= 0 and <= 1))
            {
                throw new ArgumentException($"scores[{i}].Risk is {s.Risk}; a churn probability must be in [0, 1].", nameof(scores));
            }

            if (string.IsNullOrEmpty(s.Segment))
            {
                throw new ArgumentException($"scores[{i}].Segment is empty; every learner needs a segment name.", nameof(scores));
            }

            if (s.Uplift is { } u && !(u is >= -1 and <= 1))
            {
                throw new ArgumentException($"scores[{i}].Uplift is {u}; an uplift is a difference of probabilities in [-1, 1].", nameof(scores));
            }

            if (s.Uplift is null && _options.Targeting == InterventionTargeting.Uplift)
            {
                throw new ArgumentException($"scores[{i}].Uplift is missing; uplift targeting needs every learner's uplift.", nameof(scores));
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Intervention plan: {Learners} learners scored, {Planned} decisions planned, {Withheld} withheld for the holdout, {AlreadyDecided} already decided today")]
    private static partial void LogPlanned(ILogger logger, int learners, int planned, int withheld, int alreadyDecided);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Intervention dispatch: {Sent} sent, {Failed} failed (retried later), {Expired} expired")]
    private static partial void LogDispatched(ILogger logger, int sent, int failed, int expired);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Intervention channel failed for action {Action}: {ErrorType}; the decision will be retried")]
    private static partial void LogChannelFailed(ILogger logger, string action, string errorType);
}
