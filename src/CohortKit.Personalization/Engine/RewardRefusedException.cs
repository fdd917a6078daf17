using CohortKit.Errors;

namespace CohortKit.Personalization.Engine;

/// <summary>Why a reward was refused.</summary>
public enum RewardRefusal
{
    /// <summary>No decision was ever made with this event id.</summary>
    UnknownEvent,

    /// <summary>The event's reward already arrived, or its wait ran out and the default reward was applied.</summary>
    NotPending,
}

/// <summary>Thrown by <see cref="Personalizer.Reward"/> for an event id that is unknown, already rewarded or expired; the
/// model is not changed. Late rewards are normal in production, so a caller may catch this and count it.</summary>
public sealed class RewardRefusedException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="eventId">The event id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="message">The message.</param>
    public RewardRefusedException(long eventId, RewardRefusal reason, string message) : base(message)
    {
        EventId = eventId;
        Reason = reason;
    }

    /// <summary>Gets the refused event id.</summary>
    public long EventId { get; }

    /// <summary>Gets why it was refused.</summary>
    public RewardRefusal Reason { get; }
}
