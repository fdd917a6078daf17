using System.Diagnostics;
using CohortKit.Deployment.Canary;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>Gathers what blue and green served during the canary window.</summary>
public interface ICanarySource
{
    /// <summary>Collects both arms.</summary>
    /// <param name="blue">The current version.</param>
    /// <param name="green">The new version.</param>
    /// <param name="cancellationToken">Cancels the collection.</param>
    /// <returns>Blue's and green's observations.</returns>
    Task<(CanaryArm Blue, CanaryArm Green)> CollectAsync(DeploymentTarget blue, DeploymentTarget green, CancellationToken cancellationToken);
}

/// <summary>The default canary source: sends the same requests to blue and green directly (not through the switch),
/// interleaved after a few unmeasured warm-up requests, and records latency and failures (5xx or transport errors).</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class HttpCanarySource : ICanarySource
{
    private readonly HttpClient _http;
    private readonly string _path;
    private readonly int _requestsPerArm;
    private readonly int _warmup;

    /// <summary>Creates the source.</summary>
    /// <param name="http">The client (not disposed by the source).</param>
    /// <param name="path">The path probed, e.g. <c>peers/7?k=5</c>.</param>
    /// <param name="requestsPerArm">Requests to each arm (at least 2).</param>
    /// <param name="warmupPerArm">Requests to each arm sent first and not measured, so that a freshly started green is not
    /// judged on its just-in-time compilation and cold caches (at least 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requestsPerArm"/> is below 2 or <paramref name="warmupPerArm"/> is negative.</exception>
    public HttpCanarySource(HttpClient http, string path, int requestsPerArm = 200, int warmupPerArm = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupPerArm);
        _warmup = warmupPerArm;
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerArm, 2);
        _http = http;
        _path = path.TrimStart('/');
        _requestsPerArm = requestsPerArm;
    }

    /// <inheritdoc />
    public async Task<(CanaryArm Blue, CanaryArm Green)> CollectAsync(DeploymentTarget blue, DeploymentTarget green, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blue);
        ArgumentNullException.ThrowIfNull(green);
        var discarded = new Arm();
        for (var i = 0; i < _warmup; i++)
        {
            await SendAsync(blue, discarded, cancellationToken).ConfigureAwait(false);
            await SendAsync(green, discarded, cancellationToken).ConfigureAwait(false);
        }

        var b = new Arm();
        var g = new Arm();
        for (var i = 0; i < _requestsPerArm; i++)
        {
            // Alternate which arm goes first, so that neither always meets a warmer connection or cache.
            var (first, firstArm, second, secondArm) = i % 2 == 0 ? (blue, b, green, g) : (green, g, blue, b);
            await SendAsync(first, firstArm, cancellationToken).ConfigureAwait(false);
            await SendAsync(second, secondArm, cancellationToken).ConfigureAwait(false);
        }

        return (b.ToCanaryArm(), g.ToCanaryArm());
    }

    private async Task SendAsync(DeploymentTarget target, Arm arm, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.GetAsync(new Uri(target.Address, _path), cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            arm.Record((int)response.StatusCode >= 500, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A refused, reset or timed-out request is an error of that arm, not a failure of the canary.
            arm.Record(true, 0);
        }
    }

    private sealed class Arm
    {
        private readonly List<double> _latencies = [];
        private long _requests;
        private long _errors;

        public void Record(bool failed, double latencyMs)
        {
            _requests++;
            if (failed)
            {
                _errors++;
            }
            else
            {
                _latencies.Add(latencyMs);
            }
        }

        public CanaryArm ToCanaryArm() => new() { LatenciesMs = _latencies.ToArray(), Requests = _requests, Errors = _errors };
    }
}
