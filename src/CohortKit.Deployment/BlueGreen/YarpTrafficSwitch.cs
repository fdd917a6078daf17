using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>
/// The default <see cref="ITrafficSwitch"/>: a YARP reverse proxy with an in-memory configuration of one catch-all route
/// and one cluster per known target. A switch replaces the whole configuration at once with the route pointing at the new
/// target's cluster (an atomic swap; YARP applies it between requests) and waits until the proxy's live route uses it.
/// The old target's cluster stays configured, so requests in flight to it finish and <see cref="DrainAsync"/> can watch
/// its concurrent-request count fall to zero.
/// </summary>
/// <remarks>Register <see cref="ConfigProvider"/> as the proxy's <see cref="IProxyConfigProvider"/> and give the switch the
/// proxy's <see cref="IProxyStateLookup"/> (<see cref="LoopbackProxy"/> does both). Thread-safe.</remarks>
public sealed class YarpTrafficSwitch : ITrafficSwitch
{
    /// <summary>The route's id.</summary>
    public const string RouteId = "cohortkit-active";

    private readonly object _gate = new();
    private readonly Dictionary<string, DeploymentTarget> _known = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private IProxyStateLookup? _state;
    private DeploymentTarget? _active;

    /// <summary>Creates the switch with an empty configuration (the proxy answers 404 until the first switch).</summary>
    /// <param name="time">The clock for polling; <see cref="TimeProvider.System"/> by default.</param>
    public YarpTrafficSwitch(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        ConfigProvider = new InMemoryConfigProvider([], []);
    }

    /// <summary>Gets the configuration provider to register with the proxy.</summary>
    public InMemoryConfigProvider ConfigProvider { get; }

    /// <inheritdoc />
    public DeploymentTarget? Active
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>Gives the switch the proxy's live state, to confirm switches and to drain.</summary>
    /// <param name="state">The proxy's state lookup (from its service provider).</param>
    public void Attach(IProxyStateLookup state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _state = state;
    }

    /// <summary>The cluster id of a target.</summary>
    /// <param name="target">The target.</param>
    /// <returns><c>cluster-</c> followed by the target's version.</returns>
    public static string ClusterId(DeploymentTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return "cluster-" + target.Version;
    }

    /// <inheritdoc />
    public async Task SwitchAsync(DeploymentTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Validate(nameof(target));
        lock (_gate)
        {
            if (_known.TryGetValue(target.Version, out var known) && known.Address != target.Address)
            {
                throw new ArgumentException($"Version '{target.Version}' is already known at {known.Address}; a version has one address.", nameof(target));
            }

            _known[target.Version] = target;
            var clusters = _known.Values.Select(t => new ClusterConfig
            {
                ClusterId = ClusterId(t),
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["d"] = new() { Address = t.Address.ToString() } },
            }).ToList();
            var route = new RouteConfig { RouteId = RouteId, ClusterId = ClusterId(target), Match = new RouteMatch { Path = "{**catch-all}" } };
            ConfigProvider.Update([route], clusters);
            _active = target;
        }

        DeploymentTelemetry.Switches.Add(1);
        if (_state is { } state)
        {
            var cluster = ClusterId(target);
            while (!(state.TryGetRoute(RouteId, out var live) && live.Config.ClusterId == cluster))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DrainAsync(DeploymentTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Active?.Version == target.Version)
        {
            throw new InvalidOperationException($"Target {target.Version} is active; switch away from it before draining it.");
        }

        if (_state is not { } state)
        {
            return true;
        }

        // Quiet for three polls in a row: a request that matched the old route just before the switch has then certainly
        // registered itself in the count.
        var started = _time.GetTimestamp();
        var quiet = 0;
        while (quiet < 3)
        {
            var inFlight = state.TryGetCluster(ClusterId(target), out var cluster) ? cluster.Destinations.Values.Sum(d => d.ConcurrentRequestCount) : 0;
            quiet = inFlight == 0 ? quiet + 1 : 0;
            if (quiet < 3)
            {
                if (_time.GetElapsedTime(started) >= timeout)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }
}
