namespace CohortKit.Regions.Workload;

/// <summary>Settings of <see cref="RegionWorkload"/>.</summary>
public sealed class RegionWorkloadOptions
{
    /// <summary>Gets or sets the number of learners to register, at least 1.</summary>
    /// <value>The default value is 100,000.</value>
    public int Learners { get; set; } = 100_000;

    /// <summary>Gets or sets the seed of every random choice.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>Gets or sets the largest number of events per learner; each learner gets a uniform 0..this many.</summary>
    /// <value>The default value is 9 (4.5 on average).</value>
    public int MaxEventsPerLearner { get; set; } = 9;

    /// <summary>Gets or sets the share of learners for whom a cross-border read or copy is attempted, in [0, 1].</summary>
    /// <value>The default value is 0.01.</value>
    public double ViolationRate { get; set; } = 0.01;

    /// <summary>Gets or sets the routed requests per learner, at least 0.</summary>
    /// <value>The default value is 3.</value>
    public int RequestsPerLearner { get; set; } = 3;

    /// <summary>Gets or sets the learners written per transaction, at least 1.</summary>
    /// <value>The default value is 10,000.</value>
    public int BatchSize { get; set; } = 10_000;

    internal RegionWorkloadOptions Snapshot() => (RegionWorkloadOptions)MemberwiseClone();

    internal void ThrowIfInvalid()
    {
        if (Learners < 1) { throw new ArgumentOutOfRangeException(nameof(Learners), Learners, "Learners must be at least 1."); }
        if (MaxEventsPerLearner < 0) { throw new ArgumentOutOfRangeException(nameof(MaxEventsPerLearner), MaxEventsPerLearner, "MaxEventsPerLearner must not be negative."); }
        if (!(ViolationRate is >= 0 and <= 1)) { throw new ArgumentOutOfRangeException(nameof(ViolationRate), ViolationRate, "ViolationRate must be in [0, 1]."); }
        if (RequestsPerLearner < 0) { throw new ArgumentOutOfRangeException(nameof(RequestsPerLearner), RequestsPerLearner, "RequestsPerLearner must not be negative."); }
        if (BatchSize < 1) { throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1."); }
    }
}

/// <summary>What a workload did.</summary>
public sealed record RegionWorkloadResult
{
    /// <summary>Gets the learners registered.</summary>
    public required long Learners { get; init; }

    /// <summary>Gets the events written.</summary>
    public required long Events { get; init; }

    /// <summary>Gets the cross-border reads and copies attempted (each outside the policy's allowed set).</summary>
    public required long AttemptedViolations { get; init; }

    /// <summary>Gets the attempts the residency guard refused.</summary>
    public required long Refused { get; init; }

    /// <summary>Gets the refusals with an audit entry (distinct audit sequence numbers).</summary>
    public required long Audited { get; init; }

    /// <summary>Gets the p99 latency of the routed requests under the latency model, microseconds (within the sketch's 1 %).</summary>
    public required double RoutingP99Micros { get; init; }

    /// <summary>Gets the routed requests that failed over away from the home region's preferred zone set.</summary>
    public required long Failovers { get; init; }

    /// <summary>Gets the per-region latency percentiles.</summary>
    public required IReadOnlyList<Routing.RegionLatency> Latency { get; init; }
}
