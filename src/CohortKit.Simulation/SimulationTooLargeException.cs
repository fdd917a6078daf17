using CohortKit.Errors;

namespace CohortKit.Simulation;

/// <summary>Thrown by <see cref="PlatformSimulator.Generate"/> before generating when the requested platform would not fit:
/// more events than one array holds, or more memory than the process can use. Nothing has been allocated for events yet.</summary>
public sealed class SimulationTooLargeException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="learners">The requested number of learners.</param>
    /// <param name="days">The requested number of days.</param>
    /// <param name="estimatedEvents">The estimated number of events.</param>
    /// <param name="maximumEvents">The most events that fit (the smaller of the array limit and the memory limit).</param>
    public SimulationTooLargeException(int learners, int days, long estimatedEvents, long maximumEvents)
        : base($"Learners × Days = {learners:N0} × {days:N0} would produce about {estimatedEvents:N0} events, but at most about {maximumEvents:N0} fit "
            + "(one array, and the memory available to this process); simulate fewer learners or days.")
    {
        Learners = learners;
        Days = days;
        EstimatedEvents = estimatedEvents;
        MaximumEvents = maximumEvents;
    }

    /// <summary>Gets the requested number of learners.</summary>
    public int Learners { get; }

    /// <summary>Gets the requested number of days.</summary>
    public int Days { get; }

    /// <summary>Gets the estimated number of events (extrapolated from simulating the first learners).</summary>
    public long EstimatedEvents { get; }

    /// <summary>Gets the most events that fit.</summary>
    public long MaximumEvents { get; }
}
