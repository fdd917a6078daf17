namespace CohortKit.Reliability.Capacity;

/// <summary>The Erlang C formula of the M/M/c queue, computed through the Erlang B recursion so that it neither overflows
/// (a^c/c! does for c above ~170) nor loses precision.</summary>
public static class ErlangC
{
    /// <summary>The probability that an arriving request waits, C(c, a), for c servers and offered load a = λ/μ &lt; c.</summary>
    /// <param name="servers">c, at least 1.</param>
    /// <param name="offeredLoad">a = arrival rate × mean service time, at least 0 and below <paramref name="servers"/>.</param>
    /// <returns>C(c, a) in [0, 1).</returns>
    /// <remarks>B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)); C = c·B(c) / (c − a·(1 − B(c))). O(c) time.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="servers"/> is below 1, or the load is negative, not finite or at least the server count (the queue is unstable).</exception>
    public static double Probability(int servers, double offeredLoad)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(servers, 1);
        if (!(double.IsFinite(offeredLoad) && offeredLoad >= 0 && offeredLoad < servers))
        {
            throw new ArgumentOutOfRangeException(nameof(offeredLoad), offeredLoad, $"The offered load must be finite, at least 0 and below the {servers} servers (else the queue grows without bound).");
        }

        var b = 1.0;
        for (var k = 1; k <= servers; k++)
        {
            b = Step(b, k, offeredLoad);
        }

        return FromErlangB(b, servers, offeredLoad);
    }

    /// <summary>One step of the Erlang B recursion: B(k) from B(k−1).</summary>
    internal static double Step(double previous, int k, double offeredLoad) => offeredLoad * previous / (k + (offeredLoad * previous));

    /// <summary>C(c, a) from B(c, a), for c &gt; a.</summary>
    internal static double FromErlangB(double erlangB, int servers, double offeredLoad)
        => servers * erlangB / (servers - (offeredLoad * (1 - erlangB)));
}
