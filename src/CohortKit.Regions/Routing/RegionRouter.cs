using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Routing;

/// <summary>Routes each request to the learner's home region and fails over, by health and latency, only inside the set of
/// regions the policy allows for the learner's personal data: an EU learner moves to another EU zone, never outside. When no
/// allowed endpoint is healthy the request is refused (<see cref="NoAllowedEndpointException"/>).</summary>
/// <remarks>Order of preference: healthy zones of the home region, then healthy zones of the other allowed regions; within each,
/// the lowest latency estimate (an exponentially weighted average of observed latencies, seeded with the model's expectation).
/// A decision allocates nothing. Health and observations may be updated from other threads (word-sized writes); a decision
/// reads whatever values it sees.</remarks>
public sealed class RegionRouter
{
    private const double Smoothing = 0.2;
    private readonly Endpoint[] _endpoints;
    private readonly int[][] _homeCandidates;   // per home region: endpoint indices of the home region
    private readonly int[][] _failoverCandidates; // per home region: endpoint indices of the other allowed regions
    private readonly bool[] _healthy;
    private readonly double[] _estimate; // [home region * endpoints + endpoint], microseconds
    private readonly ResidencyPolicy _policy;

    /// <summary>Creates a router over every zone of the catalogue, all healthy.</summary>
    /// <param name="policy">The policy (its <see cref="DataClass.Identity"/> rule decides where a learner's requests may go).</param>
    /// <param name="latency">The latency model that seeds the estimates.</param>
    public RegionRouter(ResidencyPolicy policy, ILatencyModel latency)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        ArgumentNullException.ThrowIfNull(latency);
        _endpoints = [.. policy.Regions.SelectMany(r => r.Zones.Select(z => (r, z))).Select((p, i) => new Endpoint { Index = i, Region = p.r, Zone = p.z })];
        _healthy = [.. _endpoints.Select(_ => true)];
        var n = policy.Regions.Count;
        _homeCandidates = new int[n][];
        _failoverCandidates = new int[n][];
        _estimate = new double[n * _endpoints.Length];
        foreach (var home in policy.Regions)
        {
            var allowed = policy.AllowedRegions(DataClass.Identity, home).Select(r => r.Index).ToHashSet();
            _homeCandidates[home.Index] = [.. _endpoints.Where(e => e.Region.Index == home.Index).Select(e => e.Index)];
            _failoverCandidates[home.Index] = [.. _endpoints.Where(e => e.Region.Index != home.Index && allowed.Contains(e.Region.Index)).Select(e => e.Index)];
            foreach (var e in _endpoints)
            {
                _estimate[(home.Index * _endpoints.Length) + e.Index] = latency.ExpectedMicros(home, e);
            }
        }
    }

    /// <summary>Gets every endpoint (one per zone of the catalogue).</summary>
    public IReadOnlyList<Endpoint> Endpoints => _endpoints;

    /// <summary>Gets the policy.</summary>
    public ResidencyPolicy Policy => _policy;

    /// <summary>Marks a zone healthy or not.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="healthy">Its health.</param>
    /// <exception cref="ArgumentException">No endpoint has that zone.</exception>
    public void SetHealth(string zone, bool healthy)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var e = Array.Find(_endpoints, x => x.Zone == zone) ?? throw new ArgumentException($"Unknown zone '{zone}'.", nameof(zone));
        _healthy[e.Index] = healthy;
    }

    /// <summary>Whether a zone is marked healthy.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>Its health.</returns>
    public bool IsHealthy(Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _healthy[endpoint.Index];
    }

    /// <summary>Feeds an observed latency into the endpoint's estimate for clients of a home region.</summary>
    /// <param name="home">The clients' home region.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="micros">The latency, positive and finite.</param>
    public void Observe(Region home, Endpoint endpoint, double micros)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!(micros > 0 && double.IsFinite(micros))) { throw new ArgumentOutOfRangeException(nameof(micros), micros, "A latency must be positive and finite."); }
        ref var e = ref _estimate[(home.Index * _endpoints.Length) + endpoint.Index];
        e += Smoothing * (micros - e);
    }

    /// <summary>The endpoint for a request of a learner homed in <paramref name="home"/>.</summary>
    /// <param name="home">The learner's home region.</param>
    /// <returns>The healthy home-region zone with the lowest estimate, else the healthy zone of another allowed region with the
    /// lowest estimate.</returns>
    /// <exception cref="NoAllowedEndpointException">Every allowed zone is unhealthy.</exception>
    public Endpoint Route(Region home)
    {
        ArgumentNullException.ThrowIfNull(home);
        var best = Best(_homeCandidates[home.Index], home.Index);
        if (best < 0)
        {
            best = Best(_failoverCandidates[home.Index], home.Index);
            if (best < 0)
            {
                throw new NoAllowedEndpointException(home.Name, [.. _homeCandidates[home.Index].Concat(_failoverCandidates[home.Index]).Select(i => _endpoints[i].Zone)]);
            }

            RegionsTelemetry.Failovers.Add(1);
        }

        return _endpoints[best];
    }

    private int Best(int[] candidates, int home)
    {
        var best = -1;
        var bestEstimate = double.PositiveInfinity;
        var row = home * _endpoints.Length;
        foreach (var c in candidates)
        {
            if (_healthy[c] && _estimate[row + c] < bestEstimate)
            {
                best = c;
                bestEstimate = _estimate[row + c];
            }
        }

        return best;
    }
}
