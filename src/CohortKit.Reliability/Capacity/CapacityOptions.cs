namespace CohortKit.Reliability.Capacity;

/// <summary>Settings of <see cref="CapacityPlanner"/>: the waiting-time quantile, headroom, the largest allowed server count and prices.</summary>
public sealed class CapacityOptions
{
    /// <summary>Gets or sets q: the share of requests that must wait at most the target (P(wait &gt; W) ≤ 1 − q), in (0, 1).</summary>
    /// <value>The default value is 0.99.</value>
    public double WaitQuantile { get; set; } = 0.99;

    /// <summary>Gets or sets the headroom factor (at least 1): capacity is also sized for this multiple of the arrival rate.</summary>
    /// <value>The default value is 2.</value>
    public double Headroom { get; set; } = 2;

    /// <summary>Gets or sets the largest server count per pool that may be planned; a load that needs more is refused.</summary>
    /// <value>The default value is 1,000,000.</value>
    public int MaxServers { get; set; } = 1_000_000;

    /// <summary>Gets or sets the on-demand price of one server-hour (currency of your choice), at least 0.</summary>
    /// <value>The default value is 0.10.</value>
    public double OnDemandPricePerHour { get; set; } = 0.10;

    /// <summary>Gets or sets the reserved (committed-use) price of one server-hour, at least 0.</summary>
    /// <value>The default value is 0.06.</value>
    public double ReservedPricePerHour { get; set; } = 0.06;

    /// <summary>Gets or sets the spot (pre-emptible) price of one server-hour, at least 0.</summary>
    /// <value>The default value is 0.03.</value>
    public double SpotPricePerHour { get; set; } = 0.03;

    /// <summary>Gets or sets the share of the base servers (sized without headroom) bought reserved, in [0, 1]; the rest of the base is on demand.</summary>
    /// <value>The default value is 0.8.</value>
    public double ReservedShare { get; set; } = 0.8;

    /// <summary>Gets or sets the share of the headroom servers run on spot, in [0, 1]; the rest of the headroom is on demand.
    /// Spot capacity can vanish, so it only ever covers headroom, never the base.</summary>
    /// <value>The default value is 0.5.</value>
    public double SpotShareOfHeadroom { get; set; } = 0.5;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal CapacityOptions Snapshot() => (CapacityOptions)MemberwiseClone();
}
