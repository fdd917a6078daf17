namespace CohortKit.Reliability.Slo;

/// <summary>What makes a request good.</summary>
public enum ServiceLevelIndicator
{
    /// <summary>The request succeeded (an availability ratio).</summary>
    Availability,

    /// <summary>The request succeeded within <see cref="SloOptions.LatencyThreshold"/> (the share of requests under a latency threshold).</summary>
    Latency,
}
