using System.Diagnostics;
using System.Net;
using CohortKit.Deployment.Drills;

namespace CohortKit.Deployment.Tests.Drills;

/// <summary>The load's latency is measured from each request's intended send time, so a load generator that falls behind its
/// schedule reports the wait (coordinated omission, as wrk2 corrects it).</summary>
public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task RunAsync_ServerSlowerThanTheSchedule_LatencyCountsTheWaitForAFreeWorker()
    {
        // One worker, a server that takes S = 50 ms, requests due every D = 10 ms: request i is due at i·D but cannot be sent
        // before the previous ones are answered, i.e. not before i·S, so its latency from the due time is at least
        // i·(S − D) + S. The service latency (from the actual send) is at least S and leaves that wait out.
        const int n = 20;
        const double serviceMs = 50, intervalMs = 10;
        using var http = new HttpClient(new DelayHandler(TimeSpan.FromMilliseconds(serviceMs)));
        var origin = Stopwatch.GetTimestamp();

        var samples = await LoadGenerator.RunAsync(http, new Uri("http://load.test/"), i => $"r/{i}", n, concurrency: 1, TimeSpan.FromMilliseconds(n * intervalMs), origin);

        samples.Should().HaveCount(n);
        for (var i = 0; i < n; i++)
        {
            (samples[i].SentAtMs - samples[0].SentAtMs).Should().BeApproximately(i * intervalMs, 0.01, "request {0} is stamped with its intended send time", i);
            samples[i].LatencyMs.Should().BeGreaterThanOrEqualTo(i * (serviceMs - intervalMs) + serviceMs - 1, "request {0} waited for the worker", i);
            samples[i].ServiceLatencyMs.Should().BeGreaterThanOrEqualTo(serviceMs - 1).And.BeLessThan(samples[i].LatencyMs + 1e-9);

            // The queue is in the latency and not in the service latency: their difference, the wait before the actual send,
            // is at least i·(S − D) (a lower bound, so a stalled machine cannot break it; no upper bound on any time).
            (samples[i].LatencyMs - samples[i].ServiceLatencyMs).Should().BeGreaterThanOrEqualTo(i * (serviceMs - intervalMs) - 1, "request {0} waited before it was sent", i);
        }

        LoadGenerator.LatencyQuantile(samples, 0.99).Should().BeGreaterThanOrEqualTo((n - 1) * (serviceMs - intervalMs) + serviceMs - 1);
    }

    [Fact]
    public async Task RunAsync_ZeroSpread_ClosedLoop_BothLatenciesEqual()
    {
        using var http = new HttpClient(new DelayHandler(TimeSpan.FromMilliseconds(5)));

        var samples = await LoadGenerator.RunAsync(http, new Uri("http://load.test/"), i => $"r/{i}", 10, concurrency: 2, TimeSpan.Zero, Stopwatch.GetTimestamp());

        samples.Should().HaveCount(10).And.OnlyContain(s => s.LatencyMs == s.ServiceLatencyMs && s.Status == 200 && s.Version == "blue");
    }

    private sealed class DelayHandler(TimeSpan delay) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Task.Delay's timer runs on a millisecond tick and can end up to a tick or two early by the Stopwatch (a 50-ms
            // delay measured 48.2 ms on a loaded CI run): wait until the Stopwatch itself says the delay has passed.
            var start = Stopwatch.GetTimestamp();
            for (var left = delay; left > TimeSpan.Zero; left = delay - Stopwatch.GetElapsedTime(start))
            {
                await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, cancellationToken);
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };
            response.Headers.Add(LoadGenerator.VersionHeader, "blue");
            return response;
        }
    }
}
