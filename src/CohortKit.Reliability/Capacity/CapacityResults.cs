namespace CohortKit.Reliability.Capacity;

/// <summary>The smallest M/M/c pool that meets a waiting-time target.</summary>
public sealed record ServerCount
{
    /// <summary>Gets the offered load a = λ × mean service time (erlangs).</summary>
    public required double OfferedLoad { get; init; }

    /// <summary>Gets c, the smallest server count with P(wait &gt; W) ≤ 1 − q.</summary>
    public required int Servers { get; init; }

    /// <summary>Gets C(c, a), the probability that a request waits at all.</summary>
    public required double ProbabilityOfWaiting { get; init; }

    /// <summary>Gets P(wait &gt; W) = C(c, a)·e^(−(cμ − λ)W) at c.</summary>
    public required double ProbabilityWaitExceedsTarget { get; init; }

    /// <summary>Gets the q-quantile of the waiting time at c: (1/(cμ − λ))·ln(C/(1 − q)) when C &gt; 1 − q, else zero.</summary>
    public required TimeSpan WaitQuantile { get; init; }

    /// <summary>Gets the utilization a / c.</summary>
    public required double Utilization { get; init; }
}

/// <summary>A sizing with headroom and its price (the <c>cohortkit capacity</c> figures).</summary>
public sealed record CapacityEstimate
{
    /// <summary>Gets the sizing for the arrival rate itself.</summary>
    public required ServerCount Base { get; init; }

    /// <summary>Gets the same computation at headroom × the arrival rate.</summary>
    public required ServerCount WithHeadroom { get; init; }

    /// <summary>Gets the hourly cost of the servers with headroom at the on-demand price given.</summary>
    public required double CostPerHour { get; init; }
}

/// <summary>One kind of request learners make.</summary>
/// <param name="Name">A label, e.g. "lesson page".</param>
/// <param name="RequestsPerLearnerPerSecond">Requests each concurrent learner makes per second, at least 0.</param>
/// <param name="ServiceTime">Mean service time, positive.</param>
/// <param name="WaitTarget">The waiting-time target W, at least zero.</param>
public sealed record RequestClass(string Name, double RequestsPerLearnerPerSecond, TimeSpan ServiceTime, TimeSpan WaitTarget);

/// <summary>A region's share of the learners.</summary>
/// <param name="Name">The region's name.</param>
/// <param name="Share">Its share of the concurrent learners, in (0, 1]; shares add up to 1.</param>
public sealed record RegionShare(string Name, double Share);

/// <summary>One pool (region × request class) of a fleet plan.</summary>
public sealed record PoolPlan
{
    /// <summary>Gets the region.</summary>
    public required string Region { get; init; }

    /// <summary>Gets the request class.</summary>
    public required string RequestClass { get; init; }

    /// <summary>Gets the arrival rate, requests per second.</summary>
    public required double ArrivalRatePerSecond { get; init; }

    /// <summary>Gets the sizing with and without headroom.</summary>
    public required CapacityEstimate Estimate { get; init; }
}

/// <summary>The purchase mix of a fleet: base servers split reserved/on demand, headroom servers split spot/on demand.</summary>
public sealed record PurchaseMix
{
    /// <summary>Gets the reserved servers.</summary>
    public required int Reserved { get; init; }

    /// <summary>Gets the on-demand servers.</summary>
    public required int OnDemand { get; init; }

    /// <summary>Gets the spot servers.</summary>
    public required int Spot { get; init; }

    /// <summary>Gets the hourly cost of the mix.</summary>
    public required double CostPerHour { get; init; }
}

/// <summary>One row of the sensitivity table: the fleet's servers and cost when one input is scaled.</summary>
public sealed record SensitivityRow
{
    /// <summary>Gets which input was scaled.</summary>
    public required SensitivityInput Input { get; init; }

    /// <summary>Gets the factor applied to it.</summary>
    public required double Factor { get; init; }

    /// <summary>Gets the servers with headroom.</summary>
    public required int Servers { get; init; }

    /// <summary>Gets the cost per learner-month.</summary>
    public required double CostPerLearnerMonth { get; init; }
}

/// <summary>Inputs the sensitivity table scales.</summary>
public enum SensitivityInput
{
    /// <summary>The number of concurrent learners (hence every arrival rate).</summary>
    Learners,

    /// <summary>Every mean service time.</summary>
    ServiceTime,

    /// <summary>The spot price (the least certain price).</summary>
    SpotPrice,
}

/// <summary>A fleet plan for N concurrent learners.</summary>
public sealed record FleetPlan
{
    /// <summary>Gets the concurrent learners planned for.</summary>
    public required long ConcurrentLearners { get; init; }

    /// <summary>Gets one pool per region and request class.</summary>
    public required IReadOnlyList<PoolPlan> Pools { get; init; }

    /// <summary>Gets the base servers (no headroom) over all pools.</summary>
    public required int BaseServers { get; init; }

    /// <summary>Gets the servers with headroom over all pools.</summary>
    public required int ServersWithHeadroom { get; init; }

    /// <summary>Gets the purchase mix of the servers with headroom.</summary>
    public required PurchaseMix Mix { get; init; }

    /// <summary>Gets the cost of a month (730 hours) divided by the concurrent learners.</summary>
    public required double CostPerLearnerMonth { get; init; }

    /// <summary>Gets the sensitivity table (each input at 0.5, 0.8, 1.25, 1.5 and 2 times its value).</summary>
    public required IReadOnlyList<SensitivityRow> Sensitivity { get; init; }
}
