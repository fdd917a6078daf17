using System.Globalization;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Retention;

namespace CohortKit.Temporal.Timeline;

/// <summary>The checks that retention and progression share: one implementation of each.</summary>
internal static class ObservedTimeline
{
    /// <summary>Every learner, inside the window or not: an event before the signup day means the two inputs disagree.</summary>
    /// <exception cref="ArgumentException">The first such event, naming the column, the learner id and the timestamp.</exception>
    public static void RequireNoEventBeforeSignup(LearnerAttributes learners, ActivityLog log)
    {
        if (log.LearnerCount != learners.Count)
        {
            throw new ArgumentException($"The log covers {log.LearnerCount} learners but the table has {learners.Count}.", nameof(log));
        }

        var offsets = log.Offsets;
        var ticks = log.Timestamps;
        var signups = learners.SignupDates;
        for (var l = 0; l < learners.Count; l++)
        {
            if (offsets[l + 1] > offsets[l] && ticks[offsets[l]] < signups[l].DayNumber * TimeSpan.TicksPerDay)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Column 'timestamp', learner_id {learners.Ids[l].Value}: an event at {new DateTime(ticks[offsets[l]], DateTimeKind.Utc):yyyy-MM-ddTHH:mm:ssZ} is before the learner's signup_date {signups[l]:yyyy-MM-dd}."), nameof(log));
            }
        }
    }

    /// <summary>Throws when the window ends before it starts.</summary>
    public static void RequireOrdered(ObservationWindow window, string parameter)
    {
        if (window.End < window.Start)
        {
            throw new ArgumentException($"The window ends ({window.End:yyyy-MM-dd}) before it starts ({window.Start:yyyy-MM-dd}).", parameter);
        }
    }
}
