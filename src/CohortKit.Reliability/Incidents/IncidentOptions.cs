namespace CohortKit.Reliability.Incidents;

/// <summary>Settings of <see cref="IncidentCoordinator"/>.</summary>
public sealed class IncidentOptions
{
    /// <summary>Gets or sets how long a responder has to acknowledge before the incident escalates; the deadline restarts after each escalation.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan AcknowledgementDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest <see cref="MaxEscalations"/> accepted: each escalation adds a timeline entry, so an unbounded count
    /// with a short deadline would grow an incident without limit (100,000 escalations made a 19.6-MB report).</summary>
    public const int MaxEscalationsLimit = 1000;

    /// <summary>Gets or sets how many times an unacknowledged incident escalates at most (0 turns escalation off, at most
    /// <see cref="MaxEscalationsLimit"/>).</summary>
    /// <value>The default value is 3.</value>
    public int MaxEscalations { get; set; } = 3;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal IncidentOptions Snapshot() => (IncidentOptions)MemberwiseClone();
}
