using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CohortKit.Deployment.Drills;

/// <summary>One request of a load run.</summary>
/// <param name="SentAtMs">When the schedule meant to send it (its intended send time), in milliseconds from the run's origin;
/// never later than when it was actually sent.</param>
/// <param name="Status">The HTTP status, or 0 for a transport failure (refused, reset, timed out).</param>
/// <param name="Version">The version that served it (the <c>X-CohortKit-Version</c> header), empty when unknown.</param>
/// <param name="LatencyMs">From the intended send time (<paramref name="SentAtMs"/>) to the whole response read, in milliseconds:
/// the wait of a request that the load generator sent late (every worker busy) counts, as in wrk2, so queueing is not
/// hidden (coordinated omission).</param>
/// <param name="ServiceLatencyMs">From the moment it was actually sent to the whole response read, in milliseconds (what the
/// server and proxy took, without the load generator's own queueing).</param>
public readonly record struct RequestSample(double SentAtMs, int Status, string Version, double LatencyMs, double ServiceLatencyMs)
{
    /// <summary>Gets whether the request failed (transport failure or 5xx).</summary>
    public bool Failed => Status == 0 || Status >= 500;

    /// <summary>Gets when it was actually sent, in milliseconds from the run's origin (at or after <see cref="SentAtMs"/>; later
    /// by the time it waited for a free worker). Routing checks ("only green after the switch") use this time.</summary>
    public double ActualSentAtMs => SentAtMs + LatencyMs - ServiceLatencyMs;
}

/// <summary>A bounded load: a fixed number of requests from a fixed number of concurrent workers, on an open-loop schedule
/// spread over a duration (request i is due at start + i·duration/requests; a late worker sends at once). Latency is measured
/// from the due time (<see cref="RequestSample.LatencyMs"/>, as wrk2 does), so a request that waited for a free worker
/// reports its wait; <see cref="RequestSample.ServiceLatencyMs"/> is measured from the actual send.</summary>
public static class LoadGenerator
{
    /// <summary>The response header naming the version that served a request.</summary>
    public const string VersionHeader = "X-CohortKit-Version";

    /// <summary>Runs the load.</summary>
    /// <param name="http">The client.</param>
    /// <param name="address">The base address (e.g. the proxy).</param>
    /// <param name="path">The path of request i.</param>
    /// <param name="requests">How many requests (≥ 1).</param>
    /// <param name="concurrency">How many in flight at most (≥ 1).</param>
    /// <param name="spread">The duration the schedule spreads the requests over (zero: as fast as the workers go, a closed loop
    /// in which each request is due when a worker is free, so both latencies are the same).</param>
    /// <param name="origin">The <see cref="Stopwatch"/> timestamp that <see cref="RequestSample.SentAtMs"/> counts from.</param>
    /// <param name="sent">Counts requests sent so far (read it with Interlocked.Read), or null.</param>
    /// <param name="cancellationToken">Stops the load (requests not yet sent are not sent).</param>
    /// <returns>One sample per request sent, in the order they were due.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requests"/> or <paramref name="concurrency"/> is below 1, or <paramref name="spread"/> is negative.</exception>
    public static async Task<IReadOnlyList<RequestSample>> RunAsync(HttpClient http, Uri address, Func<int, string> path, int requests, int concurrency, TimeSpan spread,
        long origin, StrongBox<long>? sent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spread, TimeSpan.Zero);
        var samples = new RequestSample[requests];
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var startMs = Stopwatch.GetElapsedTime(origin, start).TotalMilliseconds;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests && !cancellationToken.IsCancellationRequested)
            {
                var dueAt = spread * ((double)i / requests);
                var wait = dueAt - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    // Whole milliseconds, rounded up: Task.Delay truncates, and a request is never sent before it is due.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), cancellationToken).ConfigureAwait(false);
                }

                double? intendedMs = spread > TimeSpan.Zero ? startMs + dueAt.TotalMilliseconds : null;
                samples[i] = await SendAsync(http, new Uri(address, path(i)), origin, intendedMs, cancellationToken).ConfigureAwait(false);
                if (sent is not null)
                {
                    Interlocked.Increment(ref sent.Value);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var count = Math.Min(requests, next);
        return samples.Take(count).Where(s => s.Version is not null).OrderBy(s => s.SentAtMs).ToList();
    }

    /// <summary>The p-quantile (0..1) of the latencies of successful requests, by the nearest-rank method.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="p">The quantile, in (0, 1].</param>
    /// <param name="service">Use <see cref="RequestSample.ServiceLatencyMs"/> (from the actual send) rather than
    /// <see cref="RequestSample.LatencyMs"/> (from the intended send).</param>
    /// <returns>The latency in milliseconds; 0 when no request succeeded.</returns>
    public static double LatencyQuantile(IEnumerable<RequestSample> samples, double p, bool service = false)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        var ok = samples.Where(s => !s.Failed).Select(s => service ? s.ServiceLatencyMs : s.LatencyMs).Order().ToArray();
        return ok.Length == 0 ? 0 : ok[Math.Max(0, (int)Math.Ceiling(p * ok.Length) - 1)];
    }

    private static async Task<RequestSample> SendAsync(HttpClient http, Uri uri, long origin, double? intendedMs, CancellationToken cancellationToken)
    {
        var actualMs = Stopwatch.GetElapsedTime(origin).TotalMilliseconds;
        // A timer can fire a hair early; the intended time is never after the actual one, so latency ≥ service latency.
        var sentAt = Math.Min(intendedMs ?? actualMs, actualMs);
        int status;
        var version = string.Empty;
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            version = response.Headers.TryGetValues(VersionHeader, out var values) ? values.FirstOrDefault() ?? string.Empty : string.Empty;
            status = (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            status = 0;
        }

        var doneMs = Stopwatch.GetElapsedTime(origin).TotalMilliseconds;
        return new RequestSample(sentAt, status, version, doneMs - sentAt, doneMs - actualMs);
    }
}
