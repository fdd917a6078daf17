using System.Globalization;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Incidents;

/// <summary>Turns alerts into deduplicated incidents, escalates those not acknowledged in time, runs runbook actions through
/// <see cref="IRunbookAction"/> handlers, and keeps a timeline per incident from which MTTA and MTTR are computed.</summary>
/// <remarks>
/// <para>Deduplication: an alert whose fingerprint matches an open (unresolved) incident joins it, raising its severity if the
/// alert is more severe; after resolution the same fingerprint opens a new incident.</para>
/// <para>Escalation: a timer on the <see cref="TimeProvider"/> fires when <see cref="IncidentOptions.AcknowledgementDeadline"/>
/// passes without an acknowledgement; the incident's severity rises one step (up to Critical) and the deadline restarts, at most
/// <see cref="IncidentOptions.MaxEscalations"/> times.</para>
/// <para>Thread safety: every member may be called from any thread.</para>
/// </remarks>
public sealed class IncidentCoordinator : IDisposable
{
    private readonly IncidentOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<RunbookActionKind, IRunbookAction> _actions = [];
    private readonly List<State> _incidents = [];
    private readonly Lock _gate = new();

    /// <summary>Creates a coordinator.</summary>
    /// <param name="options">Deadline and escalation limit; validated and copied.</param>
    /// <param name="actions">The runbook action handlers, at most one per kind.</param>
    /// <param name="timeProvider">The clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the parameter names it.</exception>
    /// <exception cref="ArgumentException">Two handlers claim the same kind.</exception>
    public IncidentCoordinator(IncidentOptions options, IEnumerable<IRunbookAction>? actions = null, TimeProvider? timeProvider = null)
    {
        IncidentOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _time = timeProvider ?? TimeProvider.System;
        foreach (var action in actions ?? [])
        {
            if (!_actions.TryAdd(action.Kind, action))
            {
                throw new ArgumentException($"Two runbook action handlers claim {action.Kind}; register one per kind.", nameof(actions));
            }
        }
    }

    /// <summary>Creates a coordinator from DI.</summary>
    /// <param name="options">The options.</param>
    /// <param name="actions">Every registered <see cref="IRunbookAction"/>.</param>
    /// <param name="timeProvider">The clock.</param>
    [ActivatorUtilitiesConstructor]
    public IncidentCoordinator(IOptions<IncidentOptions> options, IEnumerable<IRunbookAction> actions, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, actions, timeProvider)
    {
    }

    /// <summary>Receives an alert: opens an incident or folds it into the open incident with the same fingerprint.</summary>
    /// <param name="alert">The alert.</param>
    /// <returns>The incident's id.</returns>
    /// <exception cref="ArgumentException">The fingerprint is empty.</exception>
    public int Raise(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentException.ThrowIfNullOrWhiteSpace(alert.Fingerprint, nameof(alert));
        var severity = alert.Severity == AlertSeverity.Page ? IncidentSeverity.High : IncidentSeverity.Low;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var open = _incidents.Find(i => i.ResolvedAt is null && i.Fingerprint == alert.Fingerprint);
            if (open is not null)
            {
                open.Alerts++;
                open.Severity = (IncidentSeverity)Math.Max((int)open.Severity, (int)severity);
                open.Timeline.Add(new(now, TimelineEntryKind.AlertDeduplicated, $"{alert.Severity} alert: {alert.Summary}"));
                return open.Id;
            }

            var incident = new State(_incidents.Count + 1, alert.Fingerprint, severity, alert.Summary, now);
            incident.Timeline.Add(new(now, TimelineEntryKind.Opened, $"{alert.Severity} alert: {alert.Summary}"));
            _incidents.Add(incident);
            ReliabilityTelemetry.IncidentsOpened.Add(1);
            if (_options.MaxEscalations > 0)
            {
                incident.Timer = _time.CreateTimer(Escalate, incident, _options.AcknowledgementDeadline, _options.AcknowledgementDeadline);
            }

            return incident.Id;
        }
    }

    /// <summary>Acknowledges an incident (the first acknowledgement counts; later ones, and one that comes after the incident was
    /// resolved, are ignored, so MTTA only counts acknowledgements of open incidents) and stops its escalation.</summary>
    /// <param name="incidentId">The incident.</param>
    /// <param name="by">Who acknowledged (a role or handle, for the timeline).</param>
    /// <exception cref="ArgumentException">No incident has that id.</exception>
    public void Acknowledge(int incidentId, string by)
    {
        lock (_gate)
        {
            var i = Find(incidentId);
            if (i.AcknowledgedAt is not null || i.ResolvedAt is not null)
            {
                return;
            }

            i.AcknowledgedAt = _time.GetUtcNow();
            i.StopTimer();
            i.Timeline.Add(new(i.AcknowledgedAt.Value, TimelineEntryKind.Acknowledged, $"acknowledged by {by}"));
        }
    }

    /// <summary>Resolves an incident and stops its escalation; a resolved incident stays resolved.</summary>
    /// <param name="incidentId">The incident.</param>
    /// <param name="note">What fixed it.</param>
    /// <exception cref="ArgumentException">No incident has that id.</exception>
    public void Resolve(int incidentId, string note)
    {
        lock (_gate)
        {
            var i = Find(incidentId);
            if (i.ResolvedAt is not null)
            {
                return;
            }

            i.ResolvedAt = _time.GetUtcNow();
            i.StopTimer();
            i.Timeline.Add(new(i.ResolvedAt.Value, TimelineEntryKind.Resolved, note));
        }
    }

    /// <summary>Runs a runbook action for an incident through its handler and records it on the timeline.</summary>
    /// <param name="incidentId">The incident.</param>
    /// <param name="kind">The action.</param>
    /// <param name="target">What to act on.</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>The handler's outcome.</returns>
    /// <exception cref="RunbookActionNotRegisteredException">No handler performs <paramref name="kind"/>.</exception>
    /// <exception cref="ArgumentException">No incident has that id.</exception>
    public async Task<RunbookActionOutcome> ExecuteAsync(int incidentId, RunbookActionKind kind, string target, CancellationToken cancellationToken = default)
    {
        if (!_actions.TryGetValue(kind, out var handler))
        {
            throw new RunbookActionNotRegisteredException(kind);
        }

        lock (_gate)
        {
            Find(incidentId).Timeline.Add(new(_time.GetUtcNow(), TimelineEntryKind.ActionStarted, $"{kind} {target}"));
        }

        RunbookActionOutcome outcome;
        try
        {
            outcome = await handler.ExecuteAsync(new RunbookActionRequest(incidentId, kind, target), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = new RunbookActionOutcome(false, $"{ex.GetType().Name}: {ex.Message}");
        }

        lock (_gate)
        {
            Find(incidentId).Timeline.Add(new(_time.GetUtcNow(), outcome.Succeeded ? TimelineEntryKind.ActionSucceeded : TimelineEntryKind.ActionFailed, $"{kind} {target}: {outcome.Detail}"));
        }

        return outcome;
    }

    /// <summary>Snapshots every incident, oldest first.</summary>
    /// <returns>The incidents.</returns>
    public IReadOnlyList<IncidentReport> Incidents()
    {
        lock (_gate)
        {
            return _incidents.Select(i => i.Report()).ToList();
        }
    }

    /// <summary>MTTA and MTTR over every incident so far.</summary>
    /// <returns>The metrics.</returns>
    public IncidentMetrics Metrics() => IncidentMetrics.From(Incidents().ToList());

    /// <summary>Stops every escalation timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var i in _incidents)
            {
                i.StopTimer();
            }
        }
    }

    private void Escalate(object? state)
    {
        var i = (State)state!;
        lock (_gate)
        {
            if (i.AcknowledgedAt is not null || i.ResolvedAt is not null || i.Timer is null)
            {
                return;
            }

            i.Escalations++;
            i.Severity = (IncidentSeverity)Math.Min((int)IncidentSeverity.Critical, (int)i.Severity + 1);

            // The deadline that passed, not the time the timer ran: a timer can run late (a busy pool, a clock advanced in one jump).
            var deadline = i.OpenedAt + (_options.AcknowledgementDeadline * i.Escalations);
            i.Timeline.Add(new(deadline, TimelineEntryKind.Escalated, string.Create(CultureInfo.InvariantCulture,
                $"not acknowledged before the {SloDuration.Format(_options.AcknowledgementDeadline)} deadline: escalation {i.Escalations}, severity {i.Severity}")));
            ReliabilityTelemetry.Escalations.Add(1);
            if (i.Escalations >= _options.MaxEscalations)
            {
                i.StopTimer();
            }
        }
    }

    /// <summary>The incident of this id; the exception names the public methods' parameter, <c>incidentId</c>.</summary>
    private State Find(int incidentId) => incidentId >= 1 && incidentId <= _incidents.Count
        ? _incidents[incidentId - 1]
        : throw new ArgumentException($"There is no incident {incidentId}.", nameof(incidentId));

    private sealed class State(int id, string fingerprint, IncidentSeverity severity, string summary, DateTimeOffset openedAt)
    {
        public int Id { get; } = id;

        public string Fingerprint { get; } = fingerprint;

        public DateTimeOffset OpenedAt { get; } = openedAt;

        public IncidentSeverity Severity { get; set; } = severity;

        public int Alerts { get; set; } = 1;

        public int Escalations { get; set; }

        public DateTimeOffset? AcknowledgedAt { get; set; }

        public DateTimeOffset? ResolvedAt { get; set; }

        public List<TimelineEntry> Timeline { get; } = [];

        public ITimer? Timer { get; set; }

        public void StopTimer()
        {
            Timer?.Dispose();
            Timer = null;
        }

        public IncidentReport Report() => new()
        {
            Id = Id, Fingerprint = Fingerprint, Severity = Severity, Summary = summary, OpenedAt = OpenedAt, AcknowledgedAt = AcknowledgedAt,
            ResolvedAt = ResolvedAt, Alerts = Alerts, Escalations = Escalations, Timeline = Timeline.ToList(),
        };
    }
}
