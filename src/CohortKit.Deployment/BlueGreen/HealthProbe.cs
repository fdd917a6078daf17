using System.Net;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>Asks a target whether it is ready for traffic.</summary>
public interface IHealthProbe
{
    /// <summary>Probes once.</summary>
    /// <param name="target">The target.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns><see langword="true"/> when the target answered healthy in time.</returns>
    Task<bool> ProbeAsync(DeploymentTarget target, CancellationToken cancellationToken);
}

/// <summary>The default probe: GET <c>{address}{path}</c> (the app's readiness endpoint from
/// Microsoft.Extensions.Diagnostics.HealthChecks), healthy on a 2xx answer within the timeout.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class HttpHealthProbe : IHealthProbe
{
    private readonly HttpClient _http;
    private readonly string _path;
    private readonly TimeSpan _timeout;

    /// <summary>Creates the probe.</summary>
    /// <param name="http">The client (not disposed by the probe).</param>
    /// <param name="path">The readiness path, e.g. <c>health/ready</c>.</param>
    /// <param name="timeout">How long one probe may take.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public HttpHealthProbe(HttpClient http, string path = "health/ready", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(path);
        _timeout = timeout ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_timeout, TimeSpan.Zero, nameof(timeout));
        _http = http;
        _path = path.TrimStart('/');
    }

    /// <inheritdoc />
    public async Task<bool> ProbeAsync(DeploymentTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri(target.Address, _path), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>How a health gate or watch ended.</summary>
/// <param name="Healthy">Whether the target met the success threshold (gate) or never met the failure threshold (watch).</param>
/// <param name="Probes">The probes sent.</param>
/// <param name="Detail">A line for the timeline.</param>
public sealed record HealthResult(bool Healthy, int Probes, string Detail);

/// <summary>The orchestrator's health agent: probes at an interval and applies consecutive success and failure thresholds.</summary>
internal sealed class HealthAgent(IHealthProbe probe, BlueGreenOptions options, TimeProvider time)
{
    /// <summary>Healthy once <see cref="BlueGreenOptions.SuccessThreshold"/> probes in a row succeed; unhealthy when
    /// <see cref="BlueGreenOptions.FailureThreshold"/> in a row fail after the first success, or at the deadline.</summary>
    public async Task<HealthResult> GateAsync(DeploymentTarget target, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        int probes = 0, successes = 0, failures = 0;
        var everUp = false;
        while (true)
        {
            probes++;
            if (await probe.ProbeAsync(target, cancellationToken).ConfigureAwait(false))
            {
                everUp = true;
                failures = 0;
                if (++successes >= options.SuccessThreshold)
                {
                    return new HealthResult(true, probes, $"{target.Version} healthy: {successes} consecutive successful probes");
                }
            }
            else
            {
                successes = 0;
                if (everUp && ++failures >= options.FailureThreshold)
                {
                    return new HealthResult(false, probes, $"{target.Version} unhealthy: {failures} consecutive failed probes");
                }
            }

            if (time.GetElapsedTime(started) >= options.HealthGateTimeout)
            {
                return new HealthResult(false, probes, $"{target.Version} not healthy within {options.HealthGateTimeout.TotalSeconds:F1} s ({probes} probes)");
            }

            await Task.Delay(options.ProbeInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Watches a target for <paramref name="duration"/> and for at least <see cref="BlueGreenOptions.FailureThreshold"/>
    /// probes (a watch that could end before the threshold is reachable could never fail): unhealthy as soon as that many
    /// probes in a row fail.</summary>
    public async Task<HealthResult> WatchAsync(DeploymentTarget target, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        int probes = 0, failures = 0;
        while (probes < options.FailureThreshold || time.GetElapsedTime(started) < duration)
        {
            probes++;
            failures = await probe.ProbeAsync(target, cancellationToken).ConfigureAwait(false) ? 0 : failures + 1;
            if (failures >= options.FailureThreshold)
            {
                return new HealthResult(false, probes, $"{target.Version} unhealthy: {failures} consecutive failed probes");
            }

            await Task.Delay(options.ProbeInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return new HealthResult(true, probes, $"{target.Version} stayed healthy for {duration.TotalSeconds:F1} s");
    }
}
